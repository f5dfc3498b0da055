/**
 * The two file-system steps whose behaviour differs by platform, kept small and tested:
 * rename-over with retries (Windows: antivirus and indexers briefly hold new files, and
 * rename fails with EPERM/EBUSY/EACCES), and fsync of a directory (POSIX only: it makes a
 * rename durable; Windows cannot open a directory as a file and NTFS journals the rename).
 */
import fsp from 'node:fs/promises';
import { errnoOf } from './errors';

const TRANSIENT = new Set(['EPERM', 'EBUSY', 'EACCES']);

export interface RenameOptions {
  /** Give up after this much time spent retrying (default 2 s). */
  budgetMs?: number;
  rename?: (from: string, to: string) => Promise<void>;
}

/** Resolves with the number of retries it needed; rejects with the last error. */
export async function renameWithRetry(from: string, to: string, opts: RenameOptions = {}): Promise<number> {
  const budget = opts.budgetMs ?? 2_000;
  const rename = opts.rename ?? fsp.rename;
  const started = Date.now();
  let delay = 10;
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return attempt;
    } catch (err) {
      const code = errnoOf(err);
      if (!code || !TRANSIENT.has(code) || Date.now() - started + delay > budget) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 250);
    }
  }
}

/** fsync a directory so a rename or a file creation in it survives a power cut. */
export async function fsyncDir(dir: string, platform: NodeJS.Platform = process.platform): Promise<'synced' | 'unsupported'> {
  if (platform === 'win32') return 'unsupported';
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
    return 'synced';
  } catch (err) {
    // Some file systems (and some network mounts) refuse fsync on a directory.
    if (['EISDIR', 'EINVAL', 'ENOTSUP', 'EPERM', 'EBADF'].includes(errnoOf(err) ?? '')) return 'unsupported';
    throw err;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
