/**
 * The outbox contract: where a client keeps what it publishes until the hub answers, so a
 * resend after a reconnect, a hub restart or a reload carries the original id and the hub
 * counts it once (P14). The console's journal (fsynced file) and the phone's localStorage
 * implement it; MemoryOutbox is the default for integrations that need nothing durable.
 * One vocabulary of states everywhere: queued → sent → acked | refused.
 */
import type { AckFrame, NackFrame } from '../protocol/frames';

export type OutboxState = 'queued' | 'sent' | 'acked' | 'refused';

export interface OutboxItem {
  /** 1-64 chars, unique per client (P12). */
  id: string;
  name: string;
  data: unknown;
  /**
   * Items sharing a key go out one at a time, in order (vote A then B must end on B even when A
   * is paused by a `rate_limited` nack). Unset: ordered only by the connection.
   */
  key?: string;
}

export type PubOutcome = { ok: true; ack: AckFrame } | { ok: false; nack: NackFrame };

export interface OutboxStore {
  /** Unsettled items, oldest first, at most `limit` of them. */
  pending(limit: number): readonly OutboxItem[];
  /** Keeps the item (durably, for a durable store) before it is sent; may reject (disk full, outbox full). */
  add(item: OutboxItem): void | Promise<void>;
  /** The item went on the wire (for display; a store may ignore it). */
  sent?(id: string): void;
  /** The connection dropped: every `sent` item is `queued` again and will be resent, same id. */
  unsent?(): void;
  /** The hub's final answer: an ack (applied or not, first or dup) or a refusal. */
  settle(id: string, outcome: PubOutcome): void | Promise<void>;
}

/** Default bound of MemoryOutbox: nothing a caller does grows memory without limit. */
export const MEMORY_OUTBOX_LIMIT = 10_000;

export class OutboxFullError extends Error {
  readonly code = 'outbox_full';
}

/** In memory: survives reconnects and hub restarts, not a restart of this process. */
export class MemoryOutbox implements OutboxStore {
  private readonly items = new Map<string, OutboxItem>();

  constructor(private readonly limit = MEMORY_OUTBOX_LIMIT) {}

  get size(): number {
    return this.items.size;
  }

  pending(limit: number): readonly OutboxItem[] {
    const out: OutboxItem[] = [];
    for (const item of this.items.values()) {
      if (out.length >= limit) break;
      out.push(item);
    }
    return out;
  }

  add(item: OutboxItem): void {
    if (this.items.has(item.id)) return;
    if (this.items.size >= this.limit) throw new OutboxFullError(`the outbox holds ${this.limit} unsent items`);
    this.items.set(item.id, item);
  }

  settle(id: string): void {
    this.items.delete(id);
  }
}
