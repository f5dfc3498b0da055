/**
 * src/shared/node/file-lock: the one lock of the hub's data folder and the console's journal,
 * against real processes: a live holder is refused by pid, a zombie holder (exited, never reaped:
 * kill(pid, 0) still succeeds on it) is dead, and racing starters never both win.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireFileLock, currentLockRecord, FileLockError, parseLockRecord } from '../../src/shared/node/file-lock';
import { spawnLines, spawnTsLines, type LineProcess } from '../helpers/line-process';

const HOLDER = path.join(__dirname, 'fixtures', 'lock-holder.ts');
const dirs: string[] = [];
const procs: LineProcess[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'file-lock-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const p of procs.splice(0)) await p.kill();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const refusal = (lockPath: string): FileLockError => {
  try {
    acquireFileLock(lockPath, 'the test lock').release();
  } catch (err) {
    if (err instanceof FileLockError) return err;
    throw err;
  }
  throw new Error('acquired a lock that is held');
};
const procState = (pid: number): string | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
};
const racer = (): LineProcess => {
  const p = spawnTsLines(HOLDER, ['race'], { stdin: true });
  procs.push(p);
  return p;
};
/** A record of a process that has exited and been reaped: its lock is stale. */
const deadRecordText = (): string => JSON.stringify({ ...currentLockRecord(), pid: spawnSync(process.execPath, ['-e', '0']).pid, procStart: null });

describe('file lock', () => {
  it('refuses while a live process holds it, naming its pid; takes it over once that process is gone', async () => {
    const lockPath = path.join(tmpDir(), 'LOCK');
    const holder = racer();
    await holder.waitFor((l) => l === 'ready');
    holder.send(`go ${lockPath} 0`);
    await holder.waitFor((l) => l === `won ${lockPath}`);

    const err = refusal(lockPath);
    expect(err.code).toBe('locked');
    expect(err.message).toContain(`the test lock is in use by process ${holder.pid} on ${os.hostname()}`);
    expect(err.holder?.pid).toBe(holder.pid);

    await holder.kill(); // crashed: its lock file stays behind
    expect(parseLockRecord(fs.readFileSync(lockPath, 'utf8'))?.pid).toBe(holder.pid);
    const lock = acquireFileLock(lockPath, 'the test lock');
    expect(lock.tookOverFrom?.pid).toBe(holder.pid);
    expect(parseLockRecord(fs.readFileSync(lockPath, 'utf8'))?.pid).toBe(process.pid);
    lock.release();
    expect(fs.readdirSync(path.dirname(lockPath))).toEqual([]); // released, no guard or temp file left
  });

  it('removes the temp record a starter that died before linking left behind', () => {
    const dir = tmpDir();
    const lockPath = path.join(dir, 'LOCK');
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(`${lockPath}.new-${gone}-abc`, deadRecordText());
    const lock = acquireFileLock(lockPath, 'the test lock');
    expect(fs.readdirSync(dir)).toEqual(['LOCK']);
    lock.release();
  });

  it.runIf(process.platform === 'linux')('takes over from a zombie: a holder that exited but whose parent never reaped it', async () => {
    const lockPath = path.join(tmpDir(), 'LOCK');
    // dash runs the holder in the background and blocks in `read`, reaping nothing until `wait`.
    const parent = spawnLines('/bin/sh', ['-c', '"$0" --import tsx "$1" once "$2" & read x; wait', process.execPath, HOLDER, lockPath], { stdin: true });
    procs.push(parent);
    const zombie = Number((await parent.waitFor((l) => l.startsWith('held '))).split(' ')[1]);
    await expect.poll(() => procState(zombie), { timeout: 20_000 }).toBe('Z');
    expect(() => process.kill(zombie, 0)).not.toThrow(); // why kill(pid, 0) alone is fooled

    const lock = acquireFileLock(lockPath, 'the test lock');
    expect(lock.tookOverFrom?.pid).toBe(zombie);
    lock.release();

    parent.send('done'); // now let the shell reap it and exit
    await parent.closed;
    expect(procState(zombie)).toBeNull();
  });

  it('8 processes racing for one lock: exactly one wins, 20 rounds, with and without a stale lock in the way', async () => {
    const dir = tmpDir();
    const racers = Array.from({ length: 8 }, racer);
    await Promise.all(racers.map((r) => r.waitFor((l) => l === 'ready')));
    for (let round = 0; round < 20; round++) {
      const lockPath = path.join(dir, `LOCK-${round}`);
      if (round % 2 === 1) fs.writeFileSync(lockPath, deadRecordText()); // everyone must take it over
      const at = Date.now() + 100; // all racers busy-wait for this instant, then go
      for (const r of racers) r.send(`go ${lockPath} ${at}`);
      const outcomes = await Promise.all(racers.map((r) => r.waitFor((l) => l.startsWith(`won ${lockPath}`) || l.startsWith(`lost ${lockPath} `))));
      const winners = racers.filter((_, i) => outcomes[i]?.startsWith('won '));
      expect({ round, winners: winners.length, losers: outcomes.filter((o) => o.endsWith(' locked')).length }).toEqual({ round, winners: 1, losers: 7 });
      expect(parseLockRecord(fs.readFileSync(lockPath, 'utf8'))?.pid).toBe(winners[0]?.pid);
    }
    expect(fs.readdirSync(dir).filter((f) => !/^LOCK-\d+$/.test(f))).toEqual([]); // no guard or temp file left behind
  }, 120_000);
});
