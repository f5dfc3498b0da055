/**
 * One process per data directory: two hubs appending to the same log files would interleave
 * batches and break serials (P15). `<dataDir>/LOCK` is a src/shared/node/file-lock lock.
 */
import path from 'node:path';
import { acquireFileLock, FileLockError } from '../../../shared/node/file-lock';
import { EngineError } from '../engine-error';

/** Takes the lock or throws EngineError 'locked' naming the holder's pid; returns the release. */
export function takeDataDirLock(dataDir: string): () => void {
  try {
    return acquireFileLock(path.join(dataDir, 'LOCK'), `the data directory ${dataDir}`).release;
  } catch (err) {
    if (err instanceof FileLockError && err.code === 'locked') throw new EngineError('locked', `${err.message}; stop that process first`, { cause: err });
    throw err;
  }
}
