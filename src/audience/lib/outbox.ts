/**
 * What this person did, kept in localStorage before it is sent (issue 6, item 3): the shared
 * client's outbox (src/shared/client/outbox.ts) for the phone. Each action gets its id once,
 * is stored, then sent by the client; after a reconnect or a reload it is resent with the
 * same id, so the hub counts it once (P14). States: queued → sent → acked | refused.
 */
import type { OutboxItem, OutboxState, OutboxStore, PubOutcome } from '../../shared/client';

export type { OutboxState };
const AUDIENCE_ACTIONS = ['vote.cast', 'question.ask', 'question.upvote', 'question.unvote', 'quiz.answer', 'chat.send'] as const;
export type AudienceAction = (typeof AUDIENCE_ACTIONS)[number];

export interface OutboxRecord {
  id: string;
  name: AudienceAction;
  data: Record<string, unknown>;
  state: OutboxState;
  /** Why it was refused (nack message or ack reason). */
  reason: string | null;
  createdAt: number;
  serial: number | null;
}

/** The part of localStorage the outbox needs (kept DOM-free so Node tests can pass a Map-backed one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

interface Persisted {
  seq: number;
  records: OutboxRecord[];
}

/** Finished records kept for display besides every question (whose text the author keeps seeing). */
const KEEP_FINISHED = 100;
/** Unsent records at most: a phone left offline for hours cannot fill its storage. */
const MAX_PENDING = 500;
/** "Nothing changed" answers that still mean the person's wish holds. */
const BENIGN_REASONS = new Set(['already_upvoted', 'not_upvoted']);

/** Actions on the same thing must land in the order the person made them (vote A then B ends on B). */
export function orderKey(r: Pick<OutboxRecord, 'name' | 'data' | 'id'>): string {
  const d = r.data;
  switch (r.name) {
    case 'vote.cast':
      return `poll:${String(d.pollId)}`;
    case 'question.upvote':
    case 'question.unvote':
      return `up:${String(d.questionId)}`;
    case 'quiz.answer':
      return `quiz:${String(d.quizId)}:${String(d.questionId)}`;
    default:
      return `id:${r.id}`;
  }
}

const isFinal = (s: OutboxState): boolean => s === 'acked' || s === 'refused';

function randomTag(): string {
  const b = new Uint8Array(4);
  crypto.getRandomValues(b); // available outside secure contexts too (plain-http LAN hubs)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export class Outbox implements OutboxStore {
  private seq = 0;
  private list: OutboxRecord[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: KeyValueStore | null,
    private readonly key: string,
    private readonly idPrefix: string,
    private readonly now: () => number = Date.now,
  ) {
    this.load();
  }

  get records(): readonly OutboxRecord[] {
    return this.list;
  }

  get pendingCount(): number {
    return this.list.filter((r) => !isFinal(r.state)).length;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A fresh id: `<clientId>:<seq>` plus a tag, so two tabs of one person never mint the same (P12: ≤ 64 chars). */
  nextId(): string {
    this.seq++;
    return `${this.idPrefix}:${this.seq}.${randomTag()}`.slice(-64);
  }

  // ---- OutboxStore --------------------------------------------------------------------

  pending(limit: number): readonly OutboxItem[] {
    const out: OutboxItem[] = [];
    for (const r of this.list) {
      if (out.length >= limit) break;
      if (!isFinal(r.state)) out.push({ id: r.id, name: r.name, data: r.data, key: orderKey(r) });
    }
    return out;
  }

  /** Stored (before anything is sent); throws `outbox_full` past MAX_PENDING. */
  add(item: OutboxItem): void {
    if (this.list.some((r) => r.id === item.id)) return;
    if (this.pendingCount >= MAX_PENDING) throw Object.assign(new Error(`${MAX_PENDING} actions are waiting to be sent`), { code: 'outbox_full' });
    const rec: OutboxRecord = { id: item.id, name: item.name as AudienceAction, data: item.data as Record<string, unknown>, state: 'queued', reason: null, createdAt: this.now(), serial: null };
    this.list = [...this.list, rec];
    this.commit();
  }

  sent(id: string): void {
    const rec = this.list.find((r) => r.id === id);
    if (rec && rec.state === 'queued') this.replace({ ...rec, state: 'sent' });
  }

  unsent(): void {
    if (!this.list.some((r) => r.state === 'sent')) return;
    this.list = this.list.map((r) => (r.state === 'sent' ? { ...r, state: 'queued' } : (r.state as string) === 'counted' ? { ...r, state: 'acked' } : r));
    this.commit();
  }

  /** P12/P14: an ack (first or dup) is final; `applied:false` means the hub took it but it had no effect. */
  settle(id: string, outcome: PubOutcome): void {
    const rec = this.list.find((r) => r.id === id);
    if (!rec || isFinal(rec.state)) return;
    if (!outcome.ok) return this.replace({ ...rec, state: 'refused', reason: outcome.nack.message });
    const a = outcome.ack;
    const counted = a.applied || (a.reason !== undefined && BENIGN_REASONS.has(a.reason));
    this.replace(counted ? { ...rec, state: 'acked', reason: null, serial: a.serial } : { ...rec, state: 'refused', reason: a.reason ?? 'not_applied', serial: a.serial });
  }

  // ---- storage ---------------------------------------------------------------------------

  private replace(next: OutboxRecord): void {
    this.list = this.list.map((r) => (r.id === next.id ? next : r));
    this.commit();
  }

  private commit(): void {
    this.prune();
    if (this.storage) {
      try {
        this.storage.setItem(this.key, JSON.stringify({ seq: this.seq, records: this.list } satisfies Persisted));
      } catch {
        // Storage full or blocked (private mode): keep working from memory.
      }
    }
    for (const fn of this.listeners) fn();
  }

  private prune(): void {
    const finished = this.list.filter((r) => isFinal(r.state) && r.name !== 'question.ask');
    if (finished.length <= KEEP_FINISHED) return;
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED).map((r) => r.id));
    this.list = this.list.filter((r) => !drop.has(r.id));
  }

  private load(): void {
    if (!this.storage) return;
    let raw: string | null;
    try {
      raw = this.storage.getItem(this.key);
    } catch {
      return;
    }
    if (!raw) return;
    try {
      const p = JSON.parse(raw) as Partial<Persisted>;
      if (typeof p.seq === 'number' && Number.isFinite(p.seq)) this.seq = p.seq;
      // A tab that closed mid-send left records `sent`: they are queued again (and resent, same ids).
      if (Array.isArray(p.records)) this.list = p.records.filter(isRecord).map((r) => (r.state === 'sent' ? { ...r, state: 'queued' } : (r.state as string) === 'counted' ? { ...r, state: 'acked' } : r));
    } catch {
      // A corrupt entry is worth less than a working page: start empty.
    }
  }
}

/** 'counted' is how pages before the shared client stored 'acked'. */
const STATES: readonly string[] = ['queued', 'sent', 'acked', 'refused', 'counted'];
const NAMES: readonly string[] = AUDIENCE_ACTIONS;

function isRecord(v: unknown): v is OutboxRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.id === 'string' &&
    typeof r.name === 'string' &&
    NAMES.includes(r.name) &&
    typeof r.state === 'string' &&
    STATES.includes(r.state) &&
    r.data !== null &&
    typeof r.data === 'object' &&
    typeof r.createdAt === 'number'
  );
}
