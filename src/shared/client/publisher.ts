/**
 * Publishing (P12-P14, P24, P34): items come from the outbox in order, at most `window`
 * unanswered on the wire, paced by a token bucket at 75% of the welcome's `ratePerSec`, each
 * with the id it got when it was stored. After a disconnect everything unanswered is resent
 * with the same ids, so the hub's dedupe turns at-least-once into exactly-once. A
 * `rate_limited` nack or an `unavailable` error pauses the item and resends it; any other
 * nack settles it as refused.
 */
import type { AckFrame, ErrorFrame, NackFrame, WelcomeFrame } from '../protocol/frames';
import type { Clock, TimerHandle } from './ports';
import type { OutboxItem, OutboxStore, PubOutcome } from './outbox';
import { TokenBucket } from './token-bucket';

/** How the promise of `publish` fails: a nack's code, or why the client gave up on it. */
export class PublishError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PublishError';
  }
}

export interface PublisherOptions {
  store: OutboxStore;
  clock: Clock;
  /** Sends one pub; false when the socket cannot take it now. */
  send: (item: OutboxItem) => boolean;
  /** Unanswered pubs on the wire at once (default 8: well inside the audience burst of 40, P24). */
  window?: number;
  /** Pause before resending after `rate_limited` (default 1_500 ms) or `unavailable` (1_000 ms). */
  rateLimitedPauseMs?: number;
  unavailablePauseMs?: number;
  /** Told when the hub answers an item, before the store records it (also items resent from an earlier run, which no promise awaits). */
  onSettled?: (id: string, outcome: PubOutcome) => void;
}

interface Waiter {
  resolve: (ack: AckFrame) => void;
  reject: (err: Error) => void;
}

/** Share of the hub's rate the outbox may use: pings, subs and `at` frames use the rest. */
const RATE_SHARE = 0.75;

export class Publisher {
  private readonly inFlight = new Map<string, string | undefined>();
  private readonly notBefore = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter>();
  private readonly bucket: TokenBucket;
  private readonly window: number;
  private online = false;
  private wake: TimerHandle | null = null;
  private wakeAt = Infinity;

  constructor(private readonly opts: PublisherOptions) {
    this.window = Math.max(1, opts.window ?? 8);
    this.bucket = new TokenBucket(15, 20, opts.clock.now());
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Stores the item, sends it when it can, resolves with its ack. The same id twice shares one answer. */
  async publish(item: OutboxItem): Promise<AckFrame> {
    const existing = this.waiters.get(item.id);
    if (existing) return new Promise((resolve, reject) => this.chain(item.id, existing, resolve, reject));
    const answer = new Promise<AckFrame>((resolve, reject) => this.waiters.set(item.id, { resolve, reject }));
    try {
      await this.opts.store.add(item);
    } catch (err) {
      this.waiters.delete(item.id);
      const code = (err as { code?: unknown }).code;
      throw new PublishError(typeof code === 'string' ? code : 'store_failed', err instanceof Error ? err.message : String(err));
    }
    this.flush();
    return answer;
  }

  onWelcome(welcome: WelcomeFrame): void {
    const rate = Math.max(1, Math.floor(welcome.limits.ratePerSec * RATE_SHARE));
    this.bucket.configure(rate, Math.max(1, Math.floor(rate / 2)), this.opts.clock.now());
    this.online = true;
    this.flush();
  }

  onDisconnect(): void {
    this.online = false;
    this.inFlight.clear();
    this.opts.store.unsent?.();
    this.clearWake();
  }

  onAck(frame: AckFrame): void {
    this.inFlight.delete(frame.id);
    this.notBefore.delete(frame.id);
    void this.settle(frame.id, { ok: true, ack: frame });
    this.flush();
  }

  onNack(frame: NackFrame): void {
    this.inFlight.delete(frame.id);
    if (frame.code === 'rate_limited') {
      // Not refused, only early: the same id again shortly.
      this.pause(frame.id, this.opts.rateLimitedPauseMs ?? 1_500);
    } else {
      void this.settle(frame.id, { ok: false, nack: frame });
    }
    this.flush();
  }

  /** P34: storage refused a pub (named by `id`, or, from an older hub, all in flight): resend later. */
  onError(frame: ErrorFrame & { id?: unknown }): void {
    if (frame.code !== 'unavailable') return;
    const pauseMs = this.opts.unavailablePauseMs ?? 1_000;
    const ids = typeof frame.id === 'string' ? [frame.id] : [...this.inFlight.keys()];
    for (const id of ids) {
      this.inFlight.delete(id);
      this.pause(id, pauseMs);
    }
    this.flush();
  }

  /** The client is closing: pending promises reject; the items stay in the store. */
  close(): void {
    this.onDisconnect();
    for (const [id, w] of this.waiters) w.reject(new PublishError('closed', `the client closed before ${id} was acknowledged`));
    this.waiters.clear();
  }

  /** Sends what the window, the pacing and the per-key order allow. */
  flush(): void {
    if (!this.online) return;
    const now = this.opts.clock.now();
    const busyKeys = new Set<string>();
    for (const key of this.inFlight.values()) if (key !== undefined) busyKeys.add(key);
    // In-flight and paused items are among the oldest unsettled ones: look a little past them.
    for (const item of this.opts.store.pending(this.window + this.inFlight.size + this.notBefore.size)) {
      if (this.inFlight.size >= this.window) break;
      if (this.inFlight.has(item.id)) continue;
      const pausedUntil = this.notBefore.get(item.id) ?? 0;
      const blocked = item.key !== undefined && busyKeys.has(item.key);
      if (item.key !== undefined) busyKeys.add(item.key);
      if (blocked) continue;
      if (pausedUntil > now) {
        this.wakeIn(pausedUntil - now);
        continue;
      }
      if (!this.bucket.take(now)) {
        this.wakeIn(this.bucket.waitMs(now));
        break;
      }
      if (!this.opts.send(item)) break;
      this.notBefore.delete(item.id);
      this.inFlight.set(item.id, item.key);
      this.opts.store.sent?.(item.id);
    }
  }

  private async settle(id: string, outcome: PubOutcome): Promise<void> {
    const waiter = this.waiters.get(id);
    this.waiters.delete(id);
    this.notBefore.delete(id);
    this.opts.onSettled?.(id, outcome);
    try {
      await this.opts.store.settle(id, outcome);
    } catch {
      // The store reports its own write failures (the journal's onChange); the answer still stands.
    }
    if (!waiter) return;
    if (outcome.ok) waiter.resolve(outcome.ack);
    else waiter.reject(new PublishError(outcome.nack.code, outcome.nack.message));
  }

  private pause(id: string, ms: number): void {
    this.notBefore.set(id, this.opts.clock.now() + ms);
  }

  private chain(id: string, w: Waiter, resolve: Waiter['resolve'], reject: Waiter['reject']): void {
    this.waiters.set(id, {
      resolve: (a) => (w.resolve(a), resolve(a)),
      reject: (e) => (w.reject(e), reject(e)),
    });
  }

  private wakeIn(ms: number): void {
    const at = this.opts.clock.now() + Math.max(5, ms);
    if (this.wake !== null && this.wakeAt <= at) return;
    this.clearWake();
    this.wakeAt = at;
    this.wake = this.opts.clock.setTimeout(() => {
      this.wake = null;
      this.wakeAt = Infinity;
      this.flush();
    }, Math.max(5, ms));
  }

  private clearWake(): void {
    if (this.wake !== null) this.opts.clock.clearTimeout(this.wake);
    this.wake = null;
    this.wakeAt = Infinity;
  }
}
