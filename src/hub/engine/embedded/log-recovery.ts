/**
 * Opening an event log after any stop, clean or not (P15, P16): verify every line's checksum,
 * keep what was committed, drop an unfinished batch at the tail (those entries were never
 * acknowledged: an ack waits for the batch's fsync), and refuse to open when damage sits
 * before a later commit mark — that is acknowledged data, and skipping it would renumber or
 * lose entries. One streaming pass rebuilds the dedupe index and the sparse offset index
 * without parsing whole entries (entry-key.ts); a second, short read fills the recent cache.
 */
import fs from 'node:fs/promises';
import { EngineError } from '../engine-error';
import { readEntryKey, type KeyedEntry } from './entry-key';
import { checkLine } from './line-codec';
import { readFromFile } from './log-reader';
import { scanLines } from './line-scanner';
import { RecentCache } from './recent-cache';

/** One sparse offset per this many serials: offsets[k] is where serial k*SPARSE_EVERY+1 starts. */
export const SPARSE_EVERY = 1000;
const CHUNK = 4 * 1024 * 1024;
const PREFILL = 2048;

export const dedupeKey = (clientId: string, id: string): string => `${clientId}\u0000${id}`;

export interface RecoveredLog {
  lastSerial: number;
  /** Where the last committed line starts (0 when empty). */
  lastLineStart: number;
  /** File length up to the end of the last committed line: everything past it is to be cut. */
  goodBytes: number;
  droppedBytes: number;
  droppedLines: number;
  /** Keys of the lines scanned (all of them, or the tail after `from`). */
  index: Map<string, number>;
  offsets: number[];
  recent: RecentCache;
}

/** A prefix already known from an index snapshot (index-snapshot.ts): only the rest is scanned. */
export interface RecoveryStart {
  serial: number;
  goodBytes: number;
  lastLineStart: number;
  offsets: number[];
  /** Whether a key is in the snapshot's dedupe table. */
  known: (key: string) => boolean;
}

/** The slow path, for entries the fast reader declines (escaped strings). */
export function parseKey(buf: Buffer, start: number, end: number): KeyedEntry | string {
  let e: unknown;
  try {
    e = JSON.parse(buf.toString('utf8', start, end));
  } catch {
    return 'entry is not JSON';
  }
  const o = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
  if (typeof o.clientId !== 'string' || typeof o.id !== 'string' || typeof o.serial !== 'number') return 'entry has no serial/clientId/id';
  return { serial: o.serial, key: dedupeKey(o.clientId, o.id) };
}

interface Damage {
  line: number;
  reason: string;
}

/** A log damaged before a commit mark (acknowledged entries): the engine quarantines its event. */
export class DamagedLogError extends EngineError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly why: string,
  ) {
    super(
      'corrupt_log',
      `${file}: line ${line} is damaged (${why}) but later lines were committed; ` +
        'refusing to open, as skipping it would lose acknowledged entries. Run `npm run hub -- verify` and `repair`, or restore the file.',
    );
  }

  /** For clients and /v1/health: no server paths. */
  get summary(): string {
    return `its log is damaged at line ${this.line} (${this.why}) before acknowledged entries; an operator must run \`npm run hub -- repair\``;
  }
}

export async function recoverLog(file: string, recentEntries: number, from?: RecoveryStart): Promise<RecoveredLog> {
  const index = new Map<string, number>();
  const offsets: number[] = from ? from.offsets.slice() : [];
  const known = from?.known ?? (() => false);
  let lastSerial = from?.serial ?? 0;
  let goodBytes = from?.goodBytes ?? 0;
  let lastLineStart = from?.lastLineStart ?? 0;
  // One line per entry: lines before the start are the snapshot's serials.
  let lineNo = lastSerial;
  let committedLines = lastSerial;
  // The batch being read: committed to the indexes only when its end mark is seen.
  let pendingKeys: string[] = [];
  let pendingOffsets: number[] = [];
  let firstBad: Damage | null = null;
  let corrupt: Damage | null = null;

  const onLine = (buf: Buffer, start: number, nl: number, offset: number): boolean | void => {
    lineNo++;
    const chk = checkLine(buf, start, nl);
    if (firstBad) {
      // Past damage only a later commit mark matters: it proves the damage was acknowledged.
      if (chk.ok && chk.commit) {
        corrupt = firstBad;
        return false;
      }
      return;
    }
    if (!chk.ok) {
      firstBad = { line: lineNo, reason: chk.reason };
      return;
    }
    const k = readEntryKey(buf, chk.entryStart, chk.entryEnd) ?? parseKey(buf, chk.entryStart, chk.entryEnd);
    const expected = lastSerial + pendingKeys.length + 1;
    if (typeof k === 'string' || k.serial !== expected) {
      firstBad = { line: lineNo, reason: typeof k === 'string' ? k : `serial ${k.serial} where ${expected} was expected` };
      return;
    }
    pendingKeys.push(k.key);
    pendingOffsets.push(offset);
    if (!chk.commit) return;
    for (let i = 0; i < pendingKeys.length; i++) {
      const s = lastSerial + 1 + i;
      const key = pendingKeys[i] as string;
      if (!index.has(key) && !known(key)) index.set(key, s);
      if ((s - 1) % SPARSE_EVERY === 0) offsets.push(pendingOffsets[i] as number);
    }
    lastSerial += pendingKeys.length;
    committedLines = lineNo;
    lastLineStart = offset;
    pendingKeys = [];
    pendingOffsets = [];
    goodBytes = offset + (nl - start) + 1;
  };

  const handle = await fs.open(file, 'r');
  let size: number;
  let partialBytes: number;
  try {
    size = (await handle.stat()).size;
    ({ partialBytes } = await scanLines(handle, goodBytes, size, onLine, CHUNK));
  } finally {
    await handle.close();
  }
  const bad = corrupt as Damage | null;
  if (bad) {
    throw new DamagedLogError(file, bad.line, bad.reason);
  }
  const recent = new RecentCache(recentEntries);
  if (lastSerial > 0 && recentEntries > 0) {
    // Only the newest PREFILL at open (a reopen's tail and reconnecting clients' catch-up need a
    // few hundred): parsing the whole cache's worth cost a reopen from snapshots a third of its
    // time (issue 18). The cache fills up to its size as entries are appended; older reads scan the file.
    const from = Math.max(1, lastSerial - Math.min(recentEntries, PREFILL) + 1);
    const startAt = offsets[Math.floor((from - 1) / SPARSE_EVERY)] ?? 0;
    for (const e of await readFromFile(file, startAt, goodBytes, from, lastSerial)) recent.push(e);
  }
  return {
    lastSerial,
    lastLineStart,
    goodBytes,
    droppedBytes: size - goodBytes,
    droppedLines: lineNo - committedLines + (partialBytes > 0 ? 1 : 0),
    index,
    offsets,
    recent,
  };
}
