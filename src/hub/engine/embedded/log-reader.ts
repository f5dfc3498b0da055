/** Reads committed entries older than the recent cache straight from the log file. */
import fs from 'node:fs/promises';
import type { LogEntry } from '../../../shared/domain/types';
import { EngineError } from '../engine-error';
import { checkLine } from './line-codec';
import { scanLines } from './line-scanner';

const CHUNK = 256 * 1024;

/** Entries from <= serial <= to, scanning [startAt, endAt) of the file (startAt from the sparse index). */
export async function readFromFile(file: string, startAt: number, endAt: number, from: number, to: number): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  const handle = await fs.open(file, 'r');
  try {
    await scanLines(
      handle,
      startAt,
      endAt,
      (buf, start, nl, offset) => {
        const chk = checkLine(buf, start, nl);
        if (!chk.ok) throw new EngineError('corrupt_log', `${file}: damaged line at byte ${offset} (${chk.reason})`);
        const entry = JSON.parse(buf.toString('utf8', chk.entryStart, chk.entryEnd)) as LogEntry;
        if (entry.serial < from) return;
        if (entry.serial > to) return false;
        out.push(entry);
        return entry.serial < to;
      },
      CHUNK,
    );
  } finally {
    await handle.close();
  }
  return out;
}
