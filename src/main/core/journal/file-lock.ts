/**
 * journal.lock: one console instance per journal. Created with `wx` (fails if it exists),
 * holding who owns it. A lock whose owner is gone is taken over:
 * - the pid is not alive (`process.kill(pid, 0)` throws ESRCH; EPERM means alive, other user);
 * - or, on the same host, the machine rebooted since (boot time moved): after a reboot the
 *   old pid may belong to an unrelated process, and the console must not refuse to start.
 * A lock from another host (a shared folder) is never judged stale: we cannot see its pid.
 */
import fs from 'node:fs';
import os from 'node:os';
import { JournalError, errnoOf } from './errors';

export interface LockInfo {
  pid: number;
  startedAt: number;
  hostname: string;
  bootAt: number;
}

const REBOOT_TOLERANCE_MS = 10 * 60_000; // wall-clock corrections must not look like a reboot
const UNREADABLE_GRACE_MS = 5_000; // a lock being written right now is empty for a moment

export const currentLockInfo = (): LockInfo => ({
  pid: process.pid,
  startedAt: Date.now(),
  hostname: os.hostname(),
  bootAt: Math.round(Date.now() - os.uptime() * 1000),
});

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errnoOf(err) !== 'ESRCH';
  }
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && typeof v.startedAt === 'number' && typeof v.hostname === 'string' && typeof v.bootAt === 'number') return v as LockInfo;
  } catch {
    // fall through
  }
  return null;
}

export type LockVerdict = 'alive' | 'stale';

export function judgeLock(holder: LockInfo | null, mtimeMs: number, me: LockInfo = currentLockInfo()): LockVerdict {
  if (!holder) return Date.now() - mtimeMs > UNREADABLE_GRACE_MS ? 'stale' : 'alive';
  if (holder.hostname !== me.hostname) return 'alive';
  if (Math.abs(holder.bootAt - me.bootAt) > REBOOT_TOLERANCE_MS) return 'stale';
  if (holder.pid === me.pid) return 'alive'; // this very process already holds it
  return pidAlive(holder.pid) ? 'alive' : 'stale';
}

export interface AcquiredLock {
  path: string;
  info: LockInfo;
  /** The stale owner we replaced, if any (for the log). */
  tookOverFrom: LockInfo | null;
}

function createLock(lockPath: string, info: LockInfo): void {
  const fd = fs.openSync(lockPath, 'wx');
  try {
    fs.writeSync(fd, JSON.stringify(info));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export function acquireLock(lockPath: string): AcquiredLock {
  const info = currentLockInfo();
  let tookOverFrom: LockInfo | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      createLock(lockPath, info);
      return { path: lockPath, info, tookOverFrom };
    } catch (err) {
      if (errnoOf(err) !== 'EEXIST') throw new JournalError('io', `cannot create ${lockPath}: ${String(err)}`, err);
    }
    let text: string;
    let mtimeMs: number;
    try {
      text = fs.readFileSync(lockPath, 'utf8');
      mtimeMs = fs.statSync(lockPath).mtimeMs;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') continue; // released meanwhile: try again
      throw new JournalError('io', `cannot read ${lockPath}: ${String(err)}`, err);
    }
    const holder = parseLock(text);
    if (judgeLock(holder, mtimeMs, info) === 'alive') {
      throw new JournalError('locked', `the journal is in use by another console (pid ${holder?.pid ?? '?'} on ${holder?.hostname ?? '?'})`, holder);
    }
    // Take over by moving the stale lock aside (atomic), then check we moved the file we
    // judged: if another console took it over in between, put its lock back and give way.
    const aside = `${lockPath}.stale-${process.pid}-${attempt}`;
    try {
      fs.renameSync(lockPath, aside);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') continue;
      throw new JournalError('io', `cannot take over ${lockPath}: ${String(err)}`, err);
    }
    const moved = fs.readFileSync(aside, 'utf8');
    if (moved !== text) {
      try {
        fs.linkSync(aside, lockPath);
      } catch {
        // someone else holds a fresh lock now; either way we are not the owner
      }
      fs.rmSync(aside, { force: true });
      throw new JournalError('locked', 'another console took the journal over at the same moment', parseLock(moved));
    }
    fs.rmSync(aside, { force: true });
    tookOverFrom = holder;
  }
  throw new JournalError('locked', `could not acquire ${lockPath}`);
}

/** Removes the lock only if it is still ours. */
export function releaseLock(lock: AcquiredLock): void {
  try {
    const holder = parseLock(fs.readFileSync(lock.path, 'utf8'));
    if (holder && holder.pid === lock.info.pid && holder.startedAt === lock.info.startedAt) fs.rmSync(lock.path, { force: true });
  } catch {
    // already gone
  }
}
