/**
 * One process per data directory: two hubs appending to the same log files would interleave
 * batches and break serials (P15). A LOCK file holds the owner's pid; a lock whose process is
 * gone (a crash, a SIGKILL) is taken over. process.kill(pid, 0) probes on POSIX and Windows.
 */
import fs from 'node:fs/promises';
import { EngineError } from '../engine-error';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

export async function acquireDirLock(file: string): Promise<() => Promise<void>> {
  const mine = String(process.pid);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, mine, { flag: 'wx' });
      return () => fs.rm(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim());
    // Our own pid: a previous life of this process (containers reuse pid 1) or this process.
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new EngineError('locked', `${file}: data directory in use by process ${pid}; stop it, or delete the file if that process is not a hub`);
    }
    await fs.rm(file, { force: true });
  }
  throw new EngineError('locked', `${file}: could not take the data directory lock`);
}
