/**
 * The log behind one interface (DESIGN.md "Engine interface"): the embedded file engine and
 * the clustered Redis engine both implement it and pass tests/engine/engine-suite.ts.
 */
import type { LogEntry } from '../../shared/domain/types';
import type { EngineError } from './engine-error';
import type { Revocation, RevocationListener } from './revocations';

/**
 * Issue 11: an event unused this long (ms) is unloaded (its hub runtime, and in the embedded
 * engine its open log) and reopened on demand. `--idle-unload-seconds` sets it.
 */
export const DEFAULT_IDLE_UNLOAD_MS = 5 * 60_000;

/** Issue 18: when snapshots (the embedded log's indexes, the hub's state) are written. */
export interface SnapshotPolicy {
  /** After this many entries since the last one. */
  everyEntries: number;
  /** Or after this long (ms) once at least `minEntries` arrived. */
  everyMs: number;
  minEntries: number;
}

export const DEFAULT_SNAPSHOTS: SnapshotPolicy = { everyEntries: 50_000, everyMs: 60_000, minEntries: 1_000 };

/** Whether a snapshot is due under `policy`, `since` entries and `ms` after the last one. */
export const snapshotDue = (policy: SnapshotPolicy, since: number, ms: number): boolean =>
  since >= policy.everyEntries || (since >= policy.minEntries && ms >= policy.everyMs);

/** An entry before the engine gives it a serial. */
export type AppendInput = Omit<LogEntry, 'serial'>;

/** Per input, in order: its serial, and whether (clientId, id) was already in the log (P14). */
export interface AppendOutcome {
  serial: number;
  dup: boolean;
}

export interface EventMeta {
  eventId: string;
  title: string;
  joinCode: string;
  createdAt: number;
}

export interface EventLogInfo {
  /** P15: changes only when the log was lost and started anew. */
  epoch: string;
  /** Highest serial in the log; 0 when empty. */
  lastSerial: number;
}

export interface PresenceSample {
  node: string;
  online: number;
  connections: number;
}

/** An event this node cannot serve right now (/v1/health and /metrics report them). */
export interface EventTrouble {
  eventId: string;
  /**
   * `unavailable`: storage refuses its writes (disk full, I/O error); the engine retries by itself
   * and the event serves again as soon as a write succeeds (P34). `quarantined`: its stored log is
   * damaged where acknowledged entries live; only this event is refused until an operator repairs it.
   */
  state: 'unavailable' | 'quarantined';
  reason: string;
  since: number;
}

export interface Engine {
  /** Human-readable kind, for logs and stats. */
  readonly kind: 'embedded' | 'redis';
  open(): Promise<void>;
  /** Flushes everything pending, then releases files and connections. */
  close(): Promise<void>;

  createEvent(meta: EventMeta): Promise<void>;
  getEvent(eventId: string): Promise<EventMeta | null>;
  findEventByCode(joinCode: string): Promise<EventMeta | null>;
  listEvents(): Promise<EventMeta[]>;
  info(eventId: string): Promise<EventLogInfo>;

  /**
   * Appends entries atomically in order and resolves once they are durable (P16). Entries
   * whose (clientId, id) is already in the log are not appended again: their outcome carries
   * the original serial and dup:true (P14), also for duplicates inside one batch. Serials are
   * gapless from 1 (P15).
   */
  append(eventId: string, entries: AppendInput[]): Promise<AppendOutcome[]>;
  /** Entries with serial >= fromSerial, in order, at most `limit`. */
  read(eventId: string, fromSerial: number, limit: number): Promise<LogEntry[]>;
  /**
   * Live: calls `onEntries` with every entry from `fromSerial` on, in serial order, without
   * gaps or repeats (first what is already stored, then new ones as they become durable).
   * Returns a function that stops the tail.
   * `onEnd`, if given, is called at most once when the tail stops by itself: code `log_reset`
   * when the log was lost and started anew under a new epoch (P15: start over from serial 1
   * and the new epoch), `unknown_event` when the event does not exist (any more). The embedded
   * engine throws unknown_event at once instead and never resets a log while open.
   */
  tail(eventId: string, fromSerial: number, onEntries: (entries: LogEntry[]) => void, onEnd?: (err: EngineError) => void): () => void;

  /**
   * Issue 18: stores the hub's folded state after entry `serial` (opaque bytes of `schema`)
   * beside the log, replacing the last, so reopening the event folds only the entries after it.
   * Optional: without it (or without a stored state) the hub folds the whole log.
   */
  saveState?(eventId: string, serial: number, schema: number, payload: Uint8Array): Promise<void>;
  /** The stored state, or null when there is none or it does not match this log (the reason is logged). */
  loadState?(eventId: string, schema: number): Promise<{ serial: number; payload: Buffer } | null>;

  /** Events this engine cannot serve right now, and why (the Redis engine reports none per event). */
  troubles?(): EventTrouble[];

  /** Shared presence counters: each node reports its own; `presence` sums the live ones. */
  reportPresence(eventId: string, sample: PresenceSample): Promise<void>;
  /**
   * The token-signing secret (P8), random, created on first use and the same for every node on
   * this storage: a file of mode 0600 in the data folder, or one Redis key. Never derived from
   * the admin key (docs/security.md).
   */
  tokenSecret(): Promise<string>;
  presence(eventId: string): Promise<PresenceSample[]>;

  /**
   * P32: from now until `until`, the client's tokens are refused by every node on this storage.
   * Resolves once the revocation is durable (a file rewritten with fsync; a Redis write); then
   * every node's `onRevoked` listeners hear it (this node's at once, others' over Pub/Sub).
   */
  revoke(r: Revocation): Promise<void>;
  /** P32: whether the client's tokens are revoked right now (read from the store, not a cache). */
  isRevoked(eventId: string, clientId: string): Promise<boolean>;
  /**
   * P32: called for each revocation made on any node sharing this storage, so live connections
   * close. After a lost Pub/Sub link the Redis engine replays every revocation still in force.
   */
  onRevoked(listener: RevocationListener): () => void;
}
