/**
 * One event's log: the single writer of its file (P15, P16). Appends are checked for
 * duplicates and given serials synchronously, in call order, then queued; one flush loop
 * writes everything queued as one batch through one append-mode handle and fsyncs once
 * (group commit: appends arriving during an fsync ride the next one). A call resolves only
 * after the batch holding its entries is durable; tails hear about entries at that moment.
 *
 * A failed write or fsync (disk full, I/O error) refuses that batch with `unavailable` and
 * rolls its serials and dedupe keys back (nobody saw them: acks and tails wait for the fsync).
 * The Retrier then cuts the file back to the durable prefix, checks the disk takes a write,
 * and reopens the log for appends (P34), with no restart and nothing acked that is not durable.
 *
 * Recovery that drops bytes from the tail (a torn last batch, or a committed line lost to a
 * truncating copy) writes a new epoch before cutting: the dropped serials will be given out
 * again, so no client may resume by patch across them (P15, P18).
 */
import fs from 'node:fs/promises';
import crypto from 'node:crypto';
import path from 'node:path';
import type { LogEntry } from '../../../shared/domain/types';
import type { AppendInput, AppendOutcome, EventLogInfo } from '../engine';
import { EngineError } from '../engine-error';
import { encodeBatch, encodeEntry, lineLength, normaliseEntry, type EncodedLine } from './line-codec';
import { dedupeKey, recoverLog, SPARSE_EVERY } from './log-recovery';
import { exists, fsyncDir, truncateDurable, writeAll, writeFileAtomic } from './fs-durable';
import { readFromFile } from './log-reader';
import type { RecentCache } from './recent-cache';
import { TailSet } from './tail-set';
import { describeIoError, Retrier, type OutageInfo } from '../storage-retry';

export const LOG_FILE = 'log.jsonl';
export const EPOCH_FILE = 'epoch';

/** Counters shared by every event of one engine (EmbeddedEngine.stats()). */
export interface LogCounters {
  fsyncs: number;
  batches: number;
  appended: number;
  duplicates: number;
  largestBatch: number;
  droppedLines: number;
  droppedBytes: number;
  /** Tails stopped because their callback threw or their catch-up read failed. */
  tailErrors: number;
}

interface Ticket {
  lines: EncodedLine[];
  keys: string[];
  entries: LogEntry[];
  outcomes: AppendOutcome[];
  resolve: (o: AppendOutcome[]) => void;
  reject: (e: Error) => void;
}

export const newEpoch = (): string => `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('hex')}`;

/** Bytes of the write probe: a disk that takes this much again is worth a real batch. */
const PROBE_BYTES = 4096;

/** P15: a missing epoch or a missing log means the log started anew, so a new epoch. */
async function prepareFiles(dir: string): Promise<string> {
  const logFile = path.join(dir, LOG_FILE);
  const epochFile = path.join(dir, EPOCH_FILE);
  const logThere = await exists(logFile);
  const old = logThere ? (await fs.readFile(epochFile, 'utf8').catch(() => '')).trim() : '';
  if (old) return old;
  const epoch = newEpoch();
  await writeFileAtomic(epochFile, epoch);
  if (!logThere) {
    const h = await fs.open(logFile, 'a');
    await h.sync();
    await h.close();
    await fsyncDir(dir);
  }
  return epoch;
}

export class EventLog {
  private queue: Ticket[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;
  private readonly retrier: Retrier;
  /** Last serial given out (durable or queued). */
  private assigned: number;
  private readonly tails: TailSet;

  private constructor(
    readonly eventId: string,
    readonly epoch: string,
    private readonly logFile: string,
    private handle: fs.FileHandle,
    private readonly index: Map<string, number>,
    private readonly offsets: number[],
    private readonly recent: RecentCache,
    /** Last durable serial, and the file length holding exactly the entries up to it. */
    private durable: number,
    private durableBytes: number,
    private readonly counters: LogCounters,
    onOutage?: (o: OutageInfo | null) => void,
  ) {
    this.assigned = durable;
    this.tails = new TailSet(
      (from, limit) => this.read(from, limit),
      () => this.durable,
      () => this.counters.tailErrors++,
    );
    this.retrier = new Retrier(() => this.repair(), onOutage ? { onChange: onOutage } : {});
  }

  static async open(eventId: string, dir: string, recentEntries: number, counters: LogCounters, onOutage?: (o: OutageInfo | null) => void): Promise<EventLog> {
    let epoch = await prepareFiles(dir);
    const logFile = path.join(dir, LOG_FILE);
    const r = await recoverLog(logFile, recentEntries);
    if (r.droppedBytes > 0) {
      // The new epoch first: a crash between the two steps must not leave a cut log under the old one.
      epoch = newEpoch();
      await writeFileAtomic(path.join(dir, EPOCH_FILE), epoch);
      // Cut the unfinished batch so new lines follow the last committed one.
      await truncateDurable(logFile, r.goodBytes);
      counters.droppedLines += r.droppedLines;
      counters.droppedBytes += r.droppedBytes;
    }
    const handle = await fs.open(logFile, 'a');
    return new EventLog(eventId, epoch, logFile, handle, r.index, r.offsets, r.recent, r.lastSerial, r.goodBytes, counters, onOutage);
  }

  info(): EventLogInfo {
    return { epoch: this.epoch, lastSerial: this.durable };
  }

  /** The storage outage this log is in, if any (P34; /v1/health reports it). */
  get outage(): OutageInfo | null {
    return this.retrier.current;
  }

  append(inputs: readonly AppendInput[]): Promise<AppendOutcome[]> {
    const refusal = this.retrier.error();
    if (refusal) return Promise.reject(refusal);
    if (this.closed) return Promise.reject(new EngineError('closed', 'engine is closed'));
    // Plan without touching state, so a bad entry (unserialisable data) cannot leave a gap.
    const outcomes: AppendOutcome[] = [];
    const lines: EncodedLine[] = [];
    const entries: LogEntry[] = [];
    const keys: string[] = [];
    const inCall = new Map<string, number>();
    let serial = this.assigned;
    let newestDup = 0;
    try {
      for (const input of inputs) {
        if (typeof input.clientId !== 'string' || typeof input.id !== 'string') throw new Error('clientId and id must be strings');
        // The dedupe key is clientId NUL id: unambiguous only while clientIds (hub-made) have no NUL.
        if (input.clientId.includes('\u0000')) throw new Error('clientId must not contain NUL');
        const key = dedupeKey(input.clientId, input.id);
        const prior = this.index.get(key) ?? inCall.get(key);
        if (prior !== undefined) {
          outcomes.push({ serial: prior, dup: true });
          newestDup = Math.max(newestDup, prior);
          continue;
        }
        const entry = normaliseEntry({ ...input, serial: ++serial });
        lines.push(encodeEntry(entry));
        entries.push(entry);
        keys.push(key);
        inCall.set(key, serial);
        outcomes.push({ serial, dup: false });
      }
    } catch (err) {
      return Promise.reject(new EngineError('invalid_entry', `cannot store entry: ${(err as Error).message}`, { cause: err }));
    }
    this.counters.duplicates += inputs.length - entries.length;
    // Only duplicates of durable entries: nothing to wait for.
    if (entries.length === 0 && newestDup <= this.durable) return Promise.resolve(outcomes);
    keys.forEach((k, i) => this.index.set(k, (entries[i] as LogEntry).serial));
    this.assigned = serial;
    return new Promise((resolve, reject) => {
      this.queue.push({ lines, keys, entries, outcomes, resolve, reject });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.commit(batch);
          this.retrier.succeeded();
        } catch (err) {
          // The file may hold part of the batch: refuse until the Retrier has cut it back.
          this.retrier.fail(`write failed: ${describeIoError(err)}`);
          const refusal = new EngineError('unavailable', `${this.logFile}: write failed: ${(err as Error).message}; retrying, send again with the same id`, { cause: err });
          this.rollBack([...batch, ...this.queue], refusal);
        }
      }
    } finally {
      // Same synchronous step as the empty-queue check: no append can slip in between.
      this.flushing = null;
    }
  }

  private async commit(batch: Ticket[]): Promise<void> {
    const lines: EncodedLine[] = [];
    const entries: LogEntry[] = [];
    for (const t of batch) {
      for (const l of t.lines) lines.push(l);
      for (const e of t.entries) entries.push(e);
    }
    if (lines.length > 0) {
      const buf = encodeBatch(lines);
      await writeAll(this.handle, buf);
      await this.handle.datasync();
      this.counters.fsyncs++;
      this.counters.batches++;
      this.counters.appended += lines.length;
      this.counters.largestBatch = Math.max(this.counters.largestBatch, lines.length);
      let at = this.durableBytes;
      lines.forEach((l, i) => {
        const e = entries[i] as LogEntry;
        if ((e.serial - 1) % SPARSE_EVERY === 0) this.offsets.push(at);
        at += lineLength(l); // the last line's end mark only shifts lines of the next batch
        this.recent.push(e);
      });
      this.durableBytes += buf.length;
      this.durable = (entries[entries.length - 1] as LogEntry).serial;
      this.tails.deliver(entries);
    }
    for (const t of batch) t.resolve(t.outcomes);
  }

  /** Forgets every serial and dedupe key given out past the durable prefix, and refuses those calls. */
  private rollBack(tickets: Ticket[], err: Error): void {
    this.queue = [];
    for (const t of tickets) {
      t.keys.forEach((k, i) => {
        if (this.index.get(k) === t.entries[i]?.serial) this.index.delete(k);
      });
      t.reject(err);
    }
    this.assigned = this.durable;
  }

  /** Back to exactly the durable prefix on a fresh handle, once the disk takes a write again. */
  private async repair(): Promise<void> {
    while (this.flushing) await this.flushing;
    await fs.truncate(this.logFile, this.durableBytes);
    const probe = path.join(path.dirname(this.logFile), '.write-probe');
    try {
      const h = await fs.open(probe, 'w');
      try {
        await writeAll(h, Buffer.alloc(PROBE_BYTES, 0x20));
        await h.datasync();
      } finally {
        await h.close();
      }
    } finally {
      await fs.rm(probe, { force: true });
    }
    const fresh = await fs.open(this.logFile, 'a');
    await fresh.datasync();
    const old = this.handle;
    this.handle = fresh;
    await old.close().catch(() => undefined);
  }

  async read(fromSerial: number, limit: number): Promise<LogEntry[]> {
    const from = Number.isFinite(fromSerial) ? Math.max(1, Math.floor(fromSerial)) : 1;
    const to = Math.min(this.durable, from + Math.floor(limit) - 1);
    if (limit <= 0 || from > to) return [];
    const cachedFrom = this.recent.first;
    if (from >= cachedFrom) return this.recent.slice(from, to);
    const startAt = this.offsets[Math.floor((from - 1) / SPARSE_EVERY)] ?? 0;
    const fileTo = Math.min(to, cachedFrom - 1);
    // Copy the cached part now: the cache may drop it while the file is read.
    const newer = fileTo < to ? this.recent.slice(fileTo + 1, to) : [];
    const older = await readFromFile(this.logFile, startAt, this.durableBytes, from, fileTo);
    return older.concat(newer);
  }

  tail(fromSerial: number, onEntries: (entries: LogEntry[]) => void, onEnd?: (err: EngineError) => void): () => void {
    return this.tails.add(fromSerial, onEntries, onEnd);
  }

  /**
   * In use: tails listening, appends queued or being written, or a storage outage whose repair
   * must cut the file back before anyone reads it again. A busy log is never unloaded.
   */
  get busy(): boolean {
    return this.tails.size > 0 || this.queue.length > 0 || this.flushing !== null || this.retrier.current !== null;
  }

  /** Waits for every queued batch, stops tails and releases the file. */
  async close(): Promise<void> {
    this.closed = true;
    this.retrier.stop();
    while (this.flushing) await this.flushing;
    this.tails.stopAll();
    await this.handle.close();
  }
}
