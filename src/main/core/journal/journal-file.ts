/**
 * The record file: append-only JSON Lines with a CRC-32 per line (line-codec.ts).
 *
 * - append(records) resolves only once the bytes are fsynced. Appends that arrive while a
 *   write+fsync is running wait and share the next one (group commit).
 * - open() drops a torn tail (anything after the last good line, including a line without
 *   its newline) and truncates the file there. A bad line followed by good ones is damage,
 *   not a torn write (each append is one write, so a crash only tears the end): it is
 *   skipped, reported in `report.corrupt` and copied to journal.corrupt for inspection.
 *   A skipped line is never replayed, so the outbox never sends garbage; if it held an ack
 *   the action is resent and the hub's dedupe answers dup:true.
 * - compact(live) writes live to journal.jsonl.tmp, fsyncs, closes the journal's handle,
 *   renames over journal.jsonl (with retries for Windows), fsyncs the directory. Contract:
 *   `live` supersedes every record whose append() was called before compact(); appends
 *   called later wait and land in the new file. A crash leaves the old file or the new
 *   one, each complete; a leftover .tmp is deleted on open.
 * - A failed write or fsync poisons the file (code 'io'): after a failed fsync the kernel
 *   may have dropped the pages, so nothing more is written until the journal is reopened.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fsyncDir, renameWithRetry, type RenameOptions } from './durable-fs';
import { JournalError, errnoOf } from './errors';
import { acquireFileLock, FileLockError, type HeldLock, type LockRecord } from '../../../shared/node/file-lock';
import { decodeLines, encodeLine, encodeLines, type CorruptLine, type JournalRecord } from './line-codec';

export const JOURNAL_FILE = 'journal.jsonl';
export const LOCK_FILE = 'journal.lock';

/** One console per journal; a live holder is refused with 'locked', naming its pid and host. */
function takeJournalLock(dir: string): HeldLock {
  try {
    return acquireFileLock(path.join(dir, LOCK_FILE), 'the journal');
  } catch (err) {
    if (err instanceof FileLockError) throw new JournalError(err.code, err.message, err.holder);
    throw err;
  }
}
export const CORRUPT_FILE = 'journal.corrupt';

export interface OpenReport {
  /** Bytes cut from the end: a torn last write. */
  truncatedBytes: number;
  tornLines: number;
  /** Damaged lines in the middle, skipped. */
  corrupt: CorruptLine[];
  /** A compaction was interrupted: its unfinished .tmp was deleted. */
  removedTmp: boolean;
  tookOverLockFrom: LockRecord | null;
}

export interface JournalFileStats {
  /** Records in the file now (since the last compaction). */
  records: number;
  bytes: number;
  fsyncs: number;
  appendedRecords: number;
  compactions: number;
  renameRetries: number;
}

export interface JournalFileOptions {
  rename?: RenameOptions;
}

/**
 * The journal holds the console's token and admin key and every queued action: only this user
 * may read it (directory 0700, files 0600). Tightened on open too, for folders made by older
 * versions. Windows has no POSIX modes (the user's profile folder is private there).
 */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

async function restrict(target: string, mode: number): Promise<void> {
  if (process.platform !== 'win32') await fsp.chmod(target, mode);
}

interface Waiter {
  bytes: Buffer;
  count: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

async function writeAll(fh: fsp.FileHandle, bytes: Buffer): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += (await fh.write(bytes, off, bytes.length - off)).bytesWritten;
}

export class JournalFile {
  private queue: Waiter[] = [];
  private writing: Promise<void> | null = null;
  private idle: Array<() => void> = [];
  private compacting = false;
  private failure: JournalError | null = null;
  private closed = false;
  private readonly s: JournalFileStats;

  private constructor(
    readonly dir: string,
    private fh: fsp.FileHandle | null,
    private readonly lock: HeldLock,
    size: number,
    records: number,
    private readonly opts: JournalFileOptions,
  ) {
    this.s = { records, bytes: size, fsyncs: 0, appendedRecords: 0, compactions: 0, renameRetries: 0 };
  }

  get file(): string {
    return path.join(this.dir, JOURNAL_FILE);
  }
  get stats(): Readonly<JournalFileStats> {
    return { ...this.s };
  }
  /** Set once a write failed; every later call rejects with it. */
  get error(): JournalError | null {
    return this.failure;
  }

  static async open(dir: string, opts: JournalFileOptions = {}): Promise<{ file: JournalFile; records: JournalRecord[]; report: OpenReport }> {
    await fsp.mkdir(dir, { recursive: true, mode: DIR_MODE });
    await restrict(dir, DIR_MODE);
    const lock = takeJournalLock(dir);
    try {
      const file = path.join(dir, JOURNAL_FILE);
      const tmp = `${file}.tmp`;
      const removedTmp = fs.existsSync(tmp);
      if (removedTmp) await fsp.rm(tmp, { force: true });
      const buf = await fsp.readFile(file).catch((err: unknown) => {
        if (errnoOf(err) === 'ENOENT') return Buffer.alloc(0);
        throw err;
      });
      const decoded = decodeLines(buf);
      if (decoded.corrupt.length) {
        const dump = decoded.corrupt.map((c) => JSON.stringify({ at: Date.now(), ...c, base64: buf.toString('base64', c.offset, c.offset + c.length) })).join('\n');
        await fsp.appendFile(path.join(dir, CORRUPT_FILE), `${dump}\n`, { mode: FILE_MODE });
      }
      if (decoded.goodLength < buf.length) {
        // A separate read-write handle: Windows cannot truncate through an append-only one.
        const rw = await fsp.open(file, 'r+');
        try {
          await rw.truncate(decoded.goodLength);
          await rw.sync();
        } finally {
          await rw.close();
        }
      }
      const fh = await fsp.open(file, 'a', FILE_MODE);
      await restrict(file, FILE_MODE);
      if (buf.length === 0 || removedTmp) await fsyncDir(dir).catch(() => 'unsupported'); // a new file's name must be durable too
      const report: OpenReport = {
        truncatedBytes: buf.length - decoded.goodLength,
        tornLines: decoded.tornLines,
        corrupt: decoded.corrupt,
        removedTmp,
        tookOverLockFrom: lock.tookOverFrom,
      };
      return { file: new JournalFile(dir, fh, lock, decoded.goodLength, decoded.records.length, opts), records: decoded.records, report };
    } catch (err) {
      lock.release();
      throw err instanceof JournalError ? err : new JournalError('io', `cannot open journal in ${dir}: ${String(err)}`, err);
    }
  }

  append(records: readonly JournalRecord[]): Promise<void> {
    const unusable = this.unusable();
    if (unusable) return Promise.reject(unusable);
    if (records.length === 0) return Promise.resolve();
    let bytes: Buffer;
    try {
      bytes = records.length === 1 && records[0] ? encodeLine(records[0]) : encodeLines(records);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ bytes, count: records.length, resolve, reject });
      this.kick();
    });
  }

  /** Resolves once every append called so far has settled (and no compaction runs). */
  flush(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.idle.push(resolve);
      this.kick();
    });
  }

  async compact(live: readonly JournalRecord[]): Promise<void> {
    const unusable = this.unusable();
    if (unusable) throw unusable;
    if (this.compacting) throw new JournalError('busy', 'a compaction is already running');
    let bytes: Buffer;
    try {
      bytes = encodeLines(live);
    } catch (err) {
      throw err instanceof JournalError ? err : new JournalError('invalid', String(err));
    }
    // Synchronously, before any await: appends called before this point are covered by
    // `live`; later ones stay queued until the new file is in place.
    this.compacting = true;
    const covered = this.queue.splice(0);
    try {
      await this.writing?.catch(() => undefined);
      if (this.failure) throw this.failure;
      await this.replaceFile(bytes).catch((err: unknown) => {
        throw err instanceof JournalError ? err : new JournalError('io', `compaction failed: ${String(err)}`, err);
      });
      this.s.records = live.length;
      this.s.bytes = bytes.length;
      this.s.compactions++;
      for (const w of covered) w.resolve();
    } catch (err) {
      // The old file is still in place (or the handle could not be reopened: poisoned).
      if (this.failure) for (const w of covered) w.reject(this.failure);
      else this.queue.unshift(...covered);
      throw err;
    } finally {
      this.compacting = false;
      this.kick();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true; // refuse new appends; the queued ones still land
    await this.flush();
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
    this.lock.release();
  }

  private unusable(): JournalError | null {
    if (this.closed) return new JournalError('closed', 'journal closed');
    return this.failure;
  }

  private kick(): void {
    if (this.writing || this.compacting) return;
    if (this.queue.length && !this.failure) {
      const batch = this.queue.splice(0);
      this.writing = this.writeBatch(batch).finally(() => {
        this.writing = null;
        this.kick();
      });
      return;
    }
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async writeBatch(batch: Waiter[]): Promise<void> {
    const bytes = batch.length === 1 && batch[0] ? batch[0].bytes : Buffer.concat(batch.map((w) => w.bytes));
    try {
      const fh = this.fh;
      if (!fh) throw new Error('no file handle');
      await writeAll(fh, bytes);
      // fdatasync also persists the new size (needed to read the data back); on macOS libuv
      // uses F_FULLFSYNC, which flushes the drive's cache as well.
      await fh.datasync();
      this.s.fsyncs++;
    } catch (err) {
      this.failure = new JournalError('io', `journal write failed: ${String(err)}`, err);
      for (const w of batch) w.reject(this.failure);
      for (const w of this.queue.splice(0)) w.reject(this.failure);
      return;
    }
    let n = 0;
    for (const w of batch) n += w.count;
    this.s.records += n;
    this.s.appendedRecords += n;
    this.s.bytes += bytes.length;
    for (const w of batch) w.resolve();
  }

  private async replaceFile(bytes: Buffer): Promise<void> {
    const file = this.file;
    const tmp = `${file}.tmp`;
    const out = await fsp.open(tmp, 'w', FILE_MODE);
    try {
      await writeAll(out, bytes);
      await out.sync();
    } catch (err) {
      await out.close().catch(() => undefined);
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    await out.close();
    // Windows cannot rename over a file that has an open handle: close ours first.
    await this.fh?.close();
    this.fh = null;
    try {
      this.s.renameRetries += await renameWithRetry(tmp, file, this.opts.rename);
    } catch (err) {
      await fsp.rm(tmp, { force: true }).catch(() => undefined);
      await this.reopen();
      throw new JournalError('io', `compaction rename failed: ${String(err)}`, err);
    }
    await fsyncDir(this.dir).catch(() => 'unsupported'); // the rename happened; durability of the name is best effort
    await this.reopen();
  }

  private async reopen(): Promise<void> {
    try {
      this.fh = await fsp.open(this.file, 'a');
    } catch (err) {
      this.failure = new JournalError('io', `cannot reopen journal: ${String(err)}`, err);
      throw this.failure;
    }
  }
}
