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
 *
 * Snapshots (issue 18): every `snapshots.everyEntries` entries (or `everyMs` once at least
 * `minEntries` arrived), in the background, the log writes `log-index.snap` (index-snapshot.ts)
 * so the next open scans only the tail; it also stores the hub's state snapshots (`state.snap`,
 * saveState/loadState), checked against the log the same way. A snapshot that does not match
 * is ignored, with its reason given to `notice`, and the log is read in full.
 */
import fs from 'node:fs/promises';
import crypto from 'node:crypto';
import path from 'node:path';
import type { LogEntry } from '../../../shared/domain/types';
import { DEFAULT_SNAPSHOTS, snapshotDue, type AppendInput, type AppendOutcome, type EventLogInfo, type SnapshotPolicy } from '../engine';
import { EngineError } from '../engine-error';
import { encodeBatch, encodeEntry, lineLength, normaliseEntry, type EncodedLine } from './line-codec';
import { dedupeKey, recoverLog, SPARSE_EVERY, type RecoveryStart } from './log-recovery';
import { DedupeIndex, KeyTable } from './dedupe-index';
import { readIndexSnapshot, writeIndexSnapshot } from './index-snapshot';
import { checkLogPoint, lineAt, readSnapshot, writeSnapshot, type LogPoint } from './snapshot-file';
import { scanLines } from './line-scanner';
import { checkLine } from './line-codec';
import { readEntryKey } from './entry-key';
import { exists, fsyncDir, truncateDurable, writeAll, writeFileAtomic } from './fs-durable';
import { readFromFile } from './log-reader';
import type { RecentCache } from './recent-cache';
import { TailSet } from './tail-set';
import { describeIoError, Retrier, type OutageInfo } from '../storage-retry';

export const LOG_FILE = 'log.jsonl';
export const EPOCH_FILE = 'epoch';
export const STATE_SNAPSHOT_FILE = 'state.snap';

export interface EventLogOptions {
  onOutage?: (o: OutageInfo | null) => void;
  snapshots?: SnapshotPolicy;
  /** Why a snapshot was ignored or could not be written (the log carries on without it). */
  notice?: (message: string) => void;
}

/** A state snapshot that matches the log: the hub's payload and the serial it covers. */
export interface StoredState {
  serial: number;
  payload: Buffer;
}

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
  /** Index snapshots written, and log opens that started from one (issue 18). */
  indexSnapshots: number;
  snapshotOpens: number;
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
  private readonly policy: SnapshotPolicy;
  private readonly notice: (message: string) => void;
  /** Serial the newest index snapshot covers, and when it was taken. */
  private snapSerial: number;
  private snapAt = performance.now();
  private snapshotting: Promise<void> | null = null;
  private stateWrites: Promise<void> = Promise.resolve();

  private constructor(
    readonly eventId: string,
    readonly epoch: string,
    private readonly logFile: string,
    private handle: fs.FileHandle,
    private readonly dir: string,
    private readonly index: DedupeIndex,
    private readonly offsets: number[],
    private readonly recent: RecentCache,
    /** Last durable serial, and the file length holding exactly the entries up to it. */
    private durable: number,
    private durableBytes: number,
    /** Where the line of serial `durable` starts. */
    private lastLineStart: number,
    snapSerial: number,
    private readonly counters: LogCounters,
    /** `notice` resolved by open (its default names the event). */
    opts: EventLogOptions & { notice: (message: string) => void },
  ) {
    this.assigned = durable;
    this.snapSerial = snapSerial;
    this.policy = opts.snapshots ?? DEFAULT_SNAPSHOTS;
    this.notice = opts.notice;
    const onOutage = opts.onOutage;
    this.tails = new TailSet(
      (from, limit) => this.read(from, limit),
      () => this.durable,
      () => this.counters.tailErrors++,
    );
    this.retrier = new Retrier(() => this.repair(), onOutage ? { onChange: onOutage } : {});
  }

  /**
   * Start-up's check of a log (quarantine, item 45; a torn tail cut under a new epoch): what open
   * does, without loading the index snapshot's payload or the recent cache, since the log is
   * closed again at once. Resolves with the last serial.
   */
  static async check(eventId: string, dir: string, counters: LogCounters, opts: EventLogOptions = {}): Promise<number> {
    const log = await EventLog.open(eventId, dir, 0, counters, opts, true);
    const last = log.durable;
    await log.close();
    return last;
  }

  static async open(eventId: string, dir: string, recentEntries: number, counters: LogCounters, opts: EventLogOptions = {}, checkOnly = false): Promise<EventLog> {
    let epoch = await prepareFiles(dir);
    const logFile = path.join(dir, LOG_FILE);
    const notice = opts.notice ?? ((m: string) => console.warn(`event ${eventId}: ${m}`));
    const logBytes = (await fs.stat(logFile)).size;
    const snap = await readIndexSnapshot(dir, logFile, epoch, logBytes, SPARSE_EVERY, checkOnly).catch((err: unknown) => ({ ignored: `unreadable (${String(err)})` }));
    let cold = KeyTable.empty;
    let start: RecoveryStart | undefined;
    if (snap && 'ignored' in snap) notice(`index snapshot ignored, reading the whole log: ${snap.ignored}`);
    else if (snap) {
      const table = snap.table;
      cold = table;
      start = { serial: snap.at.serial, goodBytes: snap.at.offset, lastLineStart: snap.at.lineStart, offsets: snap.offsets, known: (k) => table.get(Buffer.from(k, 'utf8')) !== undefined };
    }
    const r = await recoverLog(logFile, recentEntries, start);
    if (r.droppedBytes > 0) {
      // The new epoch first: a crash between the two steps must not leave a cut log under the old one.
      epoch = newEpoch();
      await writeFileAtomic(path.join(dir, EPOCH_FILE), epoch);
      // Cut the unfinished batch so new lines follow the last committed one.
      await truncateDurable(logFile, r.goodBytes);
      counters.droppedLines += r.droppedLines;
      counters.droppedBytes += r.droppedBytes;
    }
    const index = new DedupeIndex(cold, r.index);
    if (start && !checkOnly) counters.snapshotOpens++;
    const handle = await fs.open(logFile, 'a');
    return new EventLog(eventId, epoch, logFile, handle, dir, index, r.offsets, r.recent, r.lastSerial, r.goodBytes, r.lastLineStart, start?.serial ?? 0, counters, { ...opts, notice });
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
        this.lastLineStart = at;
        at += lineLength(l); // the last line's end mark only shifts lines of the next batch
        this.recent.push(e);
      });
      this.durableBytes += buf.length;
      this.durable = (entries[entries.length - 1] as LogEntry).serial;
      this.tails.deliver(entries);
    }
    for (const t of batch) t.resolve(t.outcomes);
    this.maybeSnapshot();
  }

  // ---- snapshots (issue 18) ----------------------------------------------------------------

  private maybeSnapshot(): void {
    if (this.snapshotting || this.closed) return;
    if (!snapshotDue(this.policy, this.durable - this.snapSerial, performance.now() - this.snapAt)) return;
    this.snapshotting = this.writeIndex().finally(() => (this.snapshotting = null));
  }

  /** Writes the index snapshot now (the policy does this by itself); resolves when it is durable. */
  async snapshotNow(): Promise<void> {
    while (this.snapshotting) await this.snapshotting;
    if (this.closed || this.durable === this.snapSerial) return;
    this.snapshotting = this.writeIndex().finally(() => (this.snapshotting = null));
    await this.snapshotting;
  }

  /** The serial the newest index snapshot covers (0: none). */
  get indexSnapshotSerial(): number {
    return this.snapSerial;
  }

  /**
   * Captures the durable prefix (synchronously: serial, offsets, the hot keys up to it), merges
   * the keys into a new table a slice at a time, writes it atomically, then makes it the cold
   * tier. Appends and commits go on meanwhile; a failure only means no new snapshot.
   */
  private async writeIndex(): Promise<void> {
    const serial = this.durable;
    const lineStart = this.lastLineStart;
    const offset = this.durableBytes;
    const offsets = this.offsets.slice();
    const moved = this.index.hotUpTo(serial);
    this.snapAt = performance.now();
    try {
      const line = await lineAt(this.logFile, lineStart, offset);
      if (typeof line === 'string' || line.serial !== serial) throw new Error(`the last durable line ${typeof line === 'string' ? line : `is serial ${line.serial}`}`);
      const table = await this.index.cold.merge(moved, () => this.closed);
      if (!table) return;
      const at: LogPoint = { epoch: this.epoch, serial, lineStart, offset, lineCrc: line.crc };
      await writeIndexSnapshot(this.dir, { at, offsets, table });
      this.index.promote(table, moved);
      this.snapSerial = serial;
      this.counters.indexSnapshots++;
    } catch (err) {
      this.notice(`index snapshot at serial ${serial} not written: ${(err as Error).message}`);
    }
  }

  /** Where the line of `serial` starts and ends, and its checksum field (from the sparse index). */
  private async locate(serial: number): Promise<LogPoint> {
    if (serial < 1 || serial > this.durable) throw new Error(`serial ${serial} is not in the log (1-${this.durable})`);
    const from = this.offsets[Math.floor((serial - 1) / SPARSE_EVERY)] ?? 0;
    let found: LogPoint | null = null;
    const h = await fs.open(this.logFile, 'r');
    try {
      await scanLines(
        h,
        from,
        this.durableBytes,
        (buf, start, nl, offset) => {
          const chk = checkLine(buf, start, nl);
          if (!chk.ok) throw new EngineError('corrupt_log', `${this.logFile}: damaged line at byte ${offset} (${chk.reason})`);
          const k = readEntryKey(buf, chk.entryStart, chk.entryEnd);
          const s = k ? k.serial : (JSON.parse(buf.toString('utf8', chk.entryStart, chk.entryEnd)) as LogEntry).serial;
          if (s < serial) return;
          if (s === serial) found = { epoch: this.epoch, serial, lineStart: offset, offset: offset + (nl - start) + 1, lineCrc: buf.toString('latin1', start + 6, start + 14) };
          return false;
        },
        64 * 1024,
      );
    } finally {
      await h.close();
    }
    if (!found) throw new Error(`serial ${serial} not found in the log`);
    return found;
  }

  /**
   * Stores the hub's state after entry `serial` (opaque bytes), atomically, replacing the last;
   * one write at a time, in call order.
   */
  saveState(serial: number, schema: number, payload: Uint8Array): Promise<void> {
    const write = this.stateWrites.then(async () => {
      if (this.closed) return;
      const at = await this.locate(serial);
      await writeSnapshot(path.join(this.dir, STATE_SNAPSHOT_FILE), 'state', schema, at, {}, [payload]);
    });
    this.stateWrites = write.catch(() => undefined);
    return write;
  }

  /** The stored state snapshot if it is whole, of `schema`, and covers a prefix of this log; else null, the reason given to `notice`. */
  async loadState(schema: number): Promise<StoredState | null> {
    const r = await readSnapshot(path.join(this.dir, STATE_SNAPSHOT_FILE), 'state', schema);
    if (r === null) return null;
    const why = r.ok ? (r.header.serial > this.durable ? `covers serial ${r.header.serial}, the log ends at ${this.durable}` : await checkLogPoint(this.logFile, r.header, this.epoch, this.durableBytes)) : r.reason;
    if (why) {
      this.notice(`state snapshot ignored, folding the whole log: ${why}`);
      return null;
    }
    return r.ok ? { serial: r.header.serial, payload: r.payload } : null;
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
    return this.tails.size > 0 || this.queue.length > 0 || this.flushing !== null || this.retrier.current !== null || this.snapshotting !== null;
  }

  /** Waits for every queued batch, stops tails and releases the file. */
  async close(): Promise<void> {
    this.closed = true;
    this.retrier.stop();
    while (this.flushing) await this.flushing;
    while (this.snapshotting) await this.snapshotting;
    await this.stateWrites;
    this.tails.stopAll();
    await this.handle.close();
  }
}
