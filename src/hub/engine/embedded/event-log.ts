/**
 * One event's log: the single writer of its file (P15, P16). Appends are checked for
 * duplicates and given serials synchronously, in call order, then queued; one flush loop
 * writes everything queued as one batch through one append-mode handle and fsyncs once
 * (group commit: appends arriving during an fsync ride the next one). A call resolves only
 * after the batch holding its entries is durable; tails hear about entries at that moment.
 */
import fs from 'node:fs/promises';
import crypto from 'node:crypto';
import path from 'node:path';
import type { LogEntry } from '../../../shared/domain/types';
import type { AppendInput, AppendOutcome, EventLogInfo } from '../engine';
import { EngineError } from '../engine-error';
import { encodeBatch, encodeEntry, lineLength, normaliseEntry, type EncodedLine } from './line-codec';
import { dedupeKey, recoverLog, SPARSE_EVERY } from './log-recovery';
import { exists, fsyncDir, writeAll, writeFileAtomic } from './fs-durable';
import { readFromFile } from './log-reader';
import type { RecentCache } from './recent-cache';
import { TailSet } from './tail-set';

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
  entries: LogEntry[];
  outcomes: AppendOutcome[];
  resolve: (o: AppendOutcome[]) => void;
  reject: (e: Error) => void;
}

const newEpoch = (): string => `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('hex')}`;

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
  private failed: EngineError | null = null;
  private closed = false;
  /** Last serial given out (durable or queued). */
  private assigned: number;
  private readonly tails: TailSet;

  private constructor(
    readonly eventId: string,
    readonly epoch: string,
    private readonly logFile: string,
    private readonly handle: fs.FileHandle,
    private readonly index: Map<string, number>,
    private readonly offsets: number[],
    private readonly recent: RecentCache,
    /** Last durable serial, and the file length holding exactly the entries up to it. */
    private durable: number,
    private durableBytes: number,
    private readonly counters: LogCounters,
  ) {
    this.assigned = durable;
    this.tails = new TailSet(
      (from, limit) => this.read(from, limit),
      () => this.durable,
      () => this.counters.tailErrors++,
    );
  }

  static async open(eventId: string, dir: string, recentEntries: number, counters: LogCounters): Promise<EventLog> {
    const epoch = await prepareFiles(dir);
    const logFile = path.join(dir, LOG_FILE);
    const r = await recoverLog(logFile, recentEntries);
    if (r.droppedBytes > 0) {
      // Cut the unfinished batch so new lines follow the last committed one.
      const h = await fs.open(logFile, 'r+');
      try {
        await h.truncate(r.goodBytes);
        await h.sync();
      } finally {
        await h.close();
      }
      counters.droppedLines += r.droppedLines;
      counters.droppedBytes += r.droppedBytes;
    }
    const handle = await fs.open(logFile, 'a');
    return new EventLog(eventId, epoch, logFile, handle, r.index, r.offsets, r.recent, r.lastSerial, r.goodBytes, counters);
  }

  info(): EventLogInfo {
    return { epoch: this.epoch, lastSerial: this.durable };
  }

  append(inputs: readonly AppendInput[]): Promise<AppendOutcome[]> {
    if (this.failed) return Promise.reject(this.failed);
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
      this.queue.push({ lines, entries, outcomes, resolve, reject });
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
        } catch (err) {
          // The file may hold part of the batch: stop appending; reopening recovers cleanly.
          this.failed ??= new EngineError('io_failed', `${this.logFile}: write failed: ${(err as Error).message}`, { cause: err });
          this.rejectAll(batch, this.failed);
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
    if (this.failed) throw this.failed;
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

  private rejectAll(batch: Ticket[], err: Error): void {
    for (const t of [...batch, ...this.queue]) t.reject(err);
    this.queue = [];
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

  /** Waits for every queued batch, stops tails and releases the file. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await this.flushing;
    this.tails.stopAll();
    await this.handle.close();
  }
}
