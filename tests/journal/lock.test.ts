/**
 * journal.lock: two consoles never write one journal. A live holder (a real second
 * process) makes open fail with code 'locked'; a dead one's lock is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/main/core/journal/journal';
import { JournalError } from '../../src/main/core/journal/errors';
import { currentLockRecord, judgeLock, pidAlive } from '../../src/shared/node/file-lock';
import { LOCK_FILE } from '../../src/main/core/journal/journal-file';
import { spawnChild, type Child } from './fixtures/spawn-child';

const dirs: string[] = [];
const children: Child[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-lock-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const c of children.splice(0)) await c.kill();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const openError = async (dir: string): Promise<JournalError> => {
  try {
    const j = await Journal.open(dir);
    await j.close();
  } catch (err) {
    if (err instanceof JournalError) return err;
    throw err;
  }
  throw new Error('open succeeded');
};

describe('journal.lock', () => {
  it('refuses a second live console (another process) with code "locked", takes over once it is dead', async () => {
    const dir = tmpDir();
    const holder = spawnChild('hold', dir);
    children.push(holder);
    await holder.waitFor((l) => l === 'ready');
    const err = await openError(dir);
    expect(err.code).toBe('locked');
    expect(err.detail).toMatchObject({ pid: holder.pid, hostname: os.hostname() });

    await holder.kill(); // crashed: its lock file stays behind
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    expect(pidAlive(holder.pid)).toBe(false);
    const j = await Journal.open(dir);
    expect(j.report.tookOverLockFrom?.pid).toBe(holder.pid);
    const lock = JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as { pid: number; startedAt: number };
    expect(lock.pid).toBe(process.pid);
    await j.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false); // released on close
  });

  it('refuses a second open in the same process, and allows it after close', async () => {
    const dir = tmpDir();
    const j = await Journal.open(dir);
    expect((await openError(dir)).code).toBe('locked');
    await j.close();
    const again = await Journal.open(dir);
    expect(again.report.tookOverLockFrom).toBeNull();
    await again.close();
  });

  it('judges a lock from before a reboot stale even if its pid is alive now, and another host\'s lock live', () => {
    const me = currentLockRecord();
    const alive = { ...me, pid: process.ppid, procStart: null }; // some live process that is not us
    expect(judgeLock(alive, Date.now(), me)).toBe('alive');
    expect(judgeLock({ ...alive, bootAt: me.bootAt - 3_600_000 }, Date.now(), me)).toBe('stale');
    if (me.procStart !== null) expect(judgeLock({ ...alive, procStart: me.procStart + 1 }, Date.now(), me)).toBe('stale'); // its pid was reused
    expect(judgeLock({ ...me, pid: 2 ** 22 + 12_345, hostname: 'elsewhere' }, Date.now(), me)).toBe('alive');
    // unreadable (a crash between create and write): stale only once it is old
    expect(judgeLock(null, Date.now(), me)).toBe('alive');
    expect(judgeLock(null, Date.now() - 60_000, me)).toBe('stale');
  });

  it('takes over an old unreadable lock file', async () => {
    const dir = tmpDir();
    const lockPath = path.join(dir, LOCK_FILE);
    fs.writeFileSync(lockPath, '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lockPath, old, old);
    const j = await Journal.open(dir);
    await j.close();
  });
});
