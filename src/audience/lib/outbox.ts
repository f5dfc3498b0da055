/**
 * What this person did, kept in localStorage before it is sent (issue 6, item 3): each action
 * gets its id once, is stored, then sent; after a reconnect or a reload it is resent with the
 * same id, so the hub counts it once (P14). States: queued → sent → counted | refused.
 */
import type { AckFrame, NackFrame } from '../../shared/protocol';

export type OutboxState = 'queued' | 'sent' | 'counted' | 'refused';
export type AudienceAction = 'vote.cast' | 'question.ask' | 'question.upvote' | 'question.unvote' | 'quiz.answer';

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
const RATE_LIMIT_PAUSE_MS = 1_500;

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

const isFinal = (s: OutboxState): boolean => s === 'counted' || s === 'refused';

function randomTag(): string {
  const b = new Uint8Array(4);
  crypto.getRandomValues(b); // available outside secure contexts too (plain-http LAN hubs)
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export class Outbox {
  private seq = 0;
  private list: OutboxRecord[] = [];
  private readonly inFlight = new Set<string>();
  private readonly notBefore = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: KeyValueStore | null,
    private readonly key: string,
    private readonly idPrefix: string,
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

  /** Records the action (durably, before anything is sent) and returns it. */
  add(name: AudienceAction, data: Record<string, unknown>, now = Date.now()): OutboxRecord {
    this.seq++;
    // `<clientId>:<seq>` plus a tag, so two tabs of one person never mint the same id (P12: ≤ 64 chars).
    const id = `${this.idPrefix}:${this.seq}.${randomTag()}`.slice(-64);
    const rec: OutboxRecord = { id, name, data, state: 'queued', reason: null, createdAt: now, serial: null };
    this.list = [...this.list, rec];
    this.commit();
    return rec;
  }

  /**
   * The records to put on the wire now, oldest first, at most `room` of them; each is marked
   * `sent` (and stored) before the caller sends it. One record per order key at a time.
   */
  takeSendable(room: number, now = Date.now()): OutboxRecord[] {
    const out: OutboxRecord[] = [];
    const blocked = new Set<string>();
    let space = room - this.inFlight.size;
    for (const r of this.list) {
      if (isFinal(r.state)) continue;
      const k = orderKey(r);
      const waiting = this.inFlight.has(r.id) || (this.notBefore.get(r.id) ?? 0) > now || blocked.has(k);
      blocked.add(k);
      if (waiting || space <= 0) continue;
      out.push(r);
      this.inFlight.add(r.id);
      this.notBefore.delete(r.id);
      space--;
    }
    if (out.length) {
      const ids = new Set(out.map((r) => r.id));
      this.list = this.list.map((r) => (ids.has(r.id) && r.state === 'queued' ? { ...r, state: 'sent' } : r));
      this.commit();
    }
    return this.list.filter((r) => out.some((o) => o.id === r.id));
  }

  /** P12/P14: an ack (first or dup) is final; `applied:false` means the hub took it but it had no effect. */
  onAck(f: AckFrame): boolean {
    const rec = this.list.find((r) => r.id === f.id);
    this.inFlight.delete(f.id);
    if (!rec) return false;
    const next: OutboxRecord = f.applied
      ? { ...rec, state: 'counted', reason: null, serial: f.serial }
      : { ...rec, state: 'refused', reason: f.reason ?? 'not_applied', serial: f.serial };
    this.replace(next);
    return true;
  }

  onNack(f: NackFrame, now = Date.now()): boolean {
    const rec = this.list.find((r) => r.id === f.id);
    this.inFlight.delete(f.id);
    if (!rec) return false;
    if (f.code === 'rate_limited') {
      // Not refused, only early: try again shortly with the same id.
      this.notBefore.set(f.id, now + RATE_LIMIT_PAUSE_MS);
      this.emit();
      return true;
    }
    this.replace({ ...rec, state: 'refused', reason: f.message });
    return true;
  }

  /** The link dropped (or storage on the hub failed): whatever was in flight is resent later, same ids. */
  releaseInFlight(pauseMs = 0, now = Date.now()): void {
    for (const id of this.inFlight) if (pauseMs > 0) this.notBefore.set(id, now + pauseMs);
    this.inFlight.clear();
  }

  /** When the next paused record becomes sendable, if any. */
  nextWakeAt(): number | null {
    let min: number | null = null;
    for (const t of this.notBefore.values()) if (min === null || t < min) min = t;
    return min;
  }

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
    this.emit();
  }

  private prune(): void {
    const finished = this.list.filter((r) => isFinal(r.state) && r.name !== 'question.ask');
    if (finished.length <= KEEP_FINISHED) return;
    const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED).map((r) => r.id));
    this.list = this.list.filter((r) => !drop.has(r.id));
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
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
      if (Array.isArray(p.records)) this.list = p.records.filter(isRecord);
    } catch {
      // A corrupt entry is worth less than a working page: start empty.
    }
  }
}

const STATES: readonly string[] = ['queued', 'sent', 'counted', 'refused'];
const NAMES: readonly string[] = ['vote.cast', 'question.ask', 'question.upvote', 'question.unvote', 'quiz.answer'];

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
