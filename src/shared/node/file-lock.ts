/**
 * One lock file per thing that one live process at a time may own: the hub's data folder
 * (`<dataDir>/LOCK`) and the console's journal (`journal.lock`). Node-only code shared by the
 * hub and the console's main process (src/shared/node is the one Node corner of src/shared).
 *
 * - Created atomically and complete: the owner's record is written to a private temp file,
 *   fsynced, then link()ed to the lock path. link fails with EEXIST when the path exists
 *   (O_EXCL semantics), so exactly one starter creates it and nobody reads a half-written lock.
 * - A holder is dead when its pid no longer exists; on Linux also when /proc/PID/stat says it is a
 *   zombie (Z) or dying (X) - kill(pid, 0) succeeds on a zombie, and where pid 1 reaps nothing a
 *   zombie stays forever - or when that pid now names a process started at another time (pid
 *   reuse, e.g. a restarted container's pid 1), or the machine rebooted since. A lock written on
 *   another host (a shared folder) is never judged stale: we cannot see its processes.
 * - A stale lock is never removed by whoever saw it stale. The remover must first own a guard
 *   lock named for that exact lock's content (`<path>.reap-<hash>`), then read the content again
 *   unchanged, then unlink. Every record is unique (random nonce) and only that guard's owner
 *   may remove that record, so a fresh lock is never removed by a late reaper and two starters
 *   cannot both win. The guard is a lock of this same kind: a reaper that died mid-way is
 *   reaped the same way, one level down.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { errnoOf } from './errno';

const lockRecordSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  startedAt: z.number(),
  /** Wall-clock boot time of the holder's machine, ms. */
  bootAt: z.number(),
  /** /proc/PID/stat start time (clock ticks since boot); null where there is no /proc. */
  procStart: z.number().nullable().default(null),
  nonce: z.string().default(''),
});
export type LockRecord = z.infer<typeof lockRecordSchema>;

export type FileLockErrorCode = 'locked' | 'io';

export class FileLockError extends Error {
  readonly code: FileLockErrorCode;
  /** Who holds the lock (for 'locked'), when its record could be read. */
  readonly holder: LockRecord | null;
  constructor(code: FileLockErrorCode, message: string, holder: LockRecord | null = null, cause?: unknown) {
    super(message, { cause });
    this.name = 'FileLockError';
    this.code = code;
    this.holder = holder;
  }
}

export interface HeldLock {
  readonly path: string;
  readonly record: LockRecord;
  /** The dead owner whose lock we took over, if any (for the log). */
  readonly tookOverFrom: LockRecord | null;
  /** Removes the lock if it is still ours; never throws. */
  release(): void;
}

const REBOOT_TOLERANCE_MS = 10 * 60_000; // wall-clock corrections must not look like a reboot
const UNREADABLE_GRACE_MS = 5_000; // an unreadable lock (an older writer's) is stale only once old
const CONTENTION_WAIT_MS = 3_000; // how long to wait for another starter's reap to finish
const MAX_GUARD_DEPTH = 3;

const hasProc = ((): boolean => {
  try {
    return process.platform === 'linux' && fs.existsSync('/proc/self/stat');
  } catch {
    return false;
  }
})();

interface ProcStat {
  state: string;
  start: number;
}

/** /proc/PID/stat: `pid (comm) S ... starttime(22) ...`; comm may hold spaces and parens. */
function procStat(pid: number | 'self'): ProcStat | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', start: Number(fields[19]) };
}

const ownStart = hasProc ? (procStat('self')?.start ?? null) : null;

/** Alive = exists and is not a zombie. Without /proc: kill(pid, 0), EPERM meaning "exists". */
export function pidAlive(pid: number): boolean {
  if (hasProc) {
    const st = procStat(pid);
    return st !== null && st.state !== 'Z' && st.state !== 'X';
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) === 'EPERM';
  }
}

export const currentLockRecord = (): LockRecord => ({
  pid: process.pid,
  hostname: os.hostname(),
  startedAt: Date.now(),
  bootAt: Math.round(Date.now() - os.uptime() * 1000),
  procStart: ownStart,
  nonce: randomBytes(9).toString('base64url'),
});

export function parseLockRecord(text: string): LockRecord | null {
  // The hub's former LOCK held a bare pid (same host, boot unknown).
  if (/^\d+$/.test(text.trim())) return { pid: Number(text.trim()), hostname: os.hostname(), startedAt: 0, bootAt: currentLockRecord().bootAt, procStart: null, nonce: '' };
  try {
    const r = lockRecordSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

export type LockVerdict = 'alive' | 'stale';

/** Is the holder's process still there? `mtimeMs` dates a lock whose record could not be read. */
export function judgeLock(holder: LockRecord | null, mtimeMs: number, me: LockRecord = currentLockRecord()): LockVerdict {
  if (!holder) return Date.now() - mtimeMs > UNREADABLE_GRACE_MS ? 'stale' : 'alive';
  if (holder.hostname !== me.hostname) return 'alive';
  if (Math.abs(holder.bootAt - me.bootAt) > REBOOT_TOLERANCE_MS) return 'stale';
  if (holder.procStart !== null && hasProc) {
    // Same pid, other start time: a previous process that had our pid (or any pid reused).
    const now = holder.pid === me.pid ? me.procStart : (procStat(holder.pid)?.start ?? null);
    if (now !== null && now !== holder.procStart) return 'stale';
  }
  // Our pid: this very process holds it, unless an older Stagecall wrote it (no nonce).
  if (holder.pid === me.pid) return holder.nonce === '' ? 'stale' : 'alive';
  return pidAlive(holder.pid) ? 'alive' : 'stale';
}

/** Sleeps the thread: lock acquisition runs once at start-up, and a reaper needs microseconds. */
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function tryCreate(lockPath: string, text: string, tmp: string): boolean {
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, lockPath);
    return true;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The lock's text and age, or null if it is gone. */
function readLock(lockPath: string): { text: string; mtimeMs: number } | null {
  try {
    const fd = fs.openSync(lockPath, 'r');
    try {
      return { text: fs.readFileSync(fd, 'utf8'), mtimeMs: fs.fstatSync(fd).mtimeMs };
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return null;
    throw err;
  }
}

function describeHolder(what: string, holder: LockRecord | null, mtimeMs: number): string {
  if (!holder) return `${what} is locked by a process whose lock record is unreadable (written ${Math.round((Date.now() - mtimeMs) / 1000)} s ago)`;
  const since = new Date(holder.startedAt).toISOString();
  return `${what} is in use by process ${holder.pid} on ${holder.hostname} (since ${since})`;
}

function release(lockPath: string, record: LockRecord): void {
  try {
    // Only a live owner removes its own record, and nobody else removes a live owner's record,
    // so reading then unlinking cannot remove someone else's lock.
    if (parseLockRecord(fs.readFileSync(lockPath, 'utf8'))?.nonce === record.nonce) fs.rmSync(lockPath, { force: true });
  } catch {
    // already gone
  }
}

/**
 * Temp records (`<lock>.new-<pid>-<nonce>`) left by a starter that died between writing and
 * linking. Only their writer touches them while it lives, and a later process with the same pid
 * uses another nonce, so one whose pid is dead is removed without a race.
 */
function removeLeftovers(lockPath: string): void {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.new-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !pidAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function acquire(lockPath: string, what: string, depth: number): HeldLock {
  const record = currentLockRecord();
  const text = JSON.stringify(record);
  const tmp = `${lockPath}.new-${process.pid}-${record.nonce}`;
  const deadline = Date.now() + CONTENTION_WAIT_MS;
  let tookOverFrom: LockRecord | null = null;
  for (let round = 0; ; round++) {
    if (Date.now() > deadline) throw new FileLockError('locked', `${lockPath}: could not take the lock within ${CONTENTION_WAIT_MS} ms (other starters keep taking it)`);
    if (tryCreate(lockPath, text, tmp)) {
      if (depth === 0) removeLeftovers(lockPath);
      return { path: lockPath, record, tookOverFrom, release: () => release(lockPath, record) };
    }
    const seen = readLock(lockPath);
    if (!seen) continue; // released meanwhile: try again
    const holder = parseLockRecord(seen.text);
    if (judgeLock(holder, seen.mtimeMs, record) === 'alive') throw new FileLockError('locked', describeHolder(what, holder, seen.mtimeMs), holder);
    if (depth >= MAX_GUARD_DEPTH) throw new FileLockError('locked', `${lockPath}: stale, but too many reapers died taking it over; remove ${lockPath}* by hand`, holder);
    const guardPath = `${lockPath}.reap-${createHash('sha256').update(seen.text).digest('hex').slice(0, 16)}`;
    let guard: HeldLock;
    try {
      guard = acquire(guardPath, `${lockPath} (being taken over)`, depth + 1);
    } catch (err) {
      if (!(err instanceof FileLockError && err.code === 'locked')) throw err;
      pause(Math.min(2 + round, 20)); // another starter is reaping this very lock right now
      continue;
    }
    try {
      if (readLock(lockPath)?.text === seen.text) {
        fs.rmSync(lockPath, { force: true });
        tookOverFrom = holder;
      }
    } finally {
      guard.release();
    }
  }
}

/**
 * Takes `lockPath` for this process, taking over a dead owner's lock. `what` names the thing
 * for the refusal ("the data directory /srv/stagecall"), which also names the holder's pid.
 */
export function acquireFileLock(lockPath: string, what: string): HeldLock {
  try {
    return acquire(lockPath, what, 0);
  } catch (err) {
    if (err instanceof FileLockError) throw err;
    throw new FileLockError('io', `cannot take ${lockPath}: ${String(err)}`, null, err);
  }
}
