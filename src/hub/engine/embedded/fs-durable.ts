/**
 * The few durable-write steps the engine needs, kept portable: path.join only, and the one
 * POSIX-only step (fsync of a directory, so a create or rename survives power loss) guarded,
 * since Windows cannot open a directory for fsync (EISDIR/EPERM) and persists renames itself.
 */
import fs from 'node:fs/promises';
import crypto from 'node:crypto';
import path from 'node:path';
import { errnoOf } from '../../../shared/node/errno';

export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = errnoOf(err);
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw err;
  } finally {
    await handle?.close();
  }
}

/** Windows antivirus and indexers briefly hold files: retry a rename that meets EPERM/EBUSY. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.rename(from, to);
      return;
    } catch (err) {
      const code = errnoOf(err);
      if (attempt >= 10 || (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES')) throw err;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
  }
}

/** Temp file + fsync + rename + directory fsync: readers see the old or the new file, whole. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.open(tmp, 'w');
  try {
    await (typeof data === 'string' ? handle.writeFile(data, 'utf8') : handle.writeFile(data));
    await handle.sync();
  } catch (err) {
    // A full disk must not keep a half-written temp file (snapshots are tens of MB).
    await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  try {
    await renameWithRetry(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(dir);
}

/** Cuts a file to `size` bytes and fsyncs it: the cut survives a power loss. */
export async function truncateDurable(file: string, size: number): Promise<void> {
  const h = await fs.open(file, 'r+');
  try {
    await h.truncate(size);
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Writes all of `buf` at the end of the file (append mode), looping over short writes. */
export async function writeAll(handle: fs.FileHandle, buf: Buffer): Promise<void> {
  let at = 0;
  while (at < buf.length) {
    const { bytesWritten } = await handle.write(buf, at, buf.length - at);
    at += bytesWritten;
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
