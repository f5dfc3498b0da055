/**
 * Starts a worker thread from a TypeScript (or built JavaScript) file. Node 20's worker threads
 * do not inherit tsx's `--import` hooks, so a tiny CommonJS bootstrap registers tsx's require
 * hook by absolute path (independent of the cwd, and of vitest's own loader) and then loads it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const BOOT = `const { workerData } = require('node:worker_threads');
if (workerData.__tsx) require(workerData.__tsx);
require(workerData.__entry);`;

export function spawnWorker(entry: string, data: object): Worker {
  const tsx = entry.endsWith('.ts') ? createRequire(__filename).resolve('tsx/cjs') : undefined;
  return new Worker(BOOT, { eval: true, workerData: { ...data, __entry: entry, ...(tsx ? { __tsx: tsx } : {}) } });
}
