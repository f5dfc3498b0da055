/**
 * The operator's view of one event log (`npm run hub -- verify` / `repair`): unlike recovery,
 * which stops at the first damage, this reads on to report every damaged line, and finds the
 * longest valid prefix (every batch up to the last commit mark before the first damage).
 * Repair keeps that prefix, moves the rest aside into a file beside the log (nothing is
 * deleted), and writes a new epoch first: the serials after the prefix will be given out again
 * (P15, P18).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { readEntryKey } from './entry-key';
import { EPOCH_FILE, LOG_FILE, newEpoch } from './event-log';
import { fsyncDir, truncateDurable, writeAll, writeFileAtomic } from './fs-durable';
import { checkLine } from './line-codec';
import { parseKey } from './log-recovery';
import { scanLines } from './line-scanner';

export interface LineDamage {
  line: number;
  offset: number;
  reason: string;
}

export interface LogReport {
  file: string;
  size: number;
  /** Complete lines read. */
  lines: number;
  /** The longest valid prefix: its last serial and its end. */
  lastSerial: number;
  goodBytes: number;
  /** Every damaged line, then a torn (unterminated) last line if there is one. */
  damaged: LineDamage[];
  /** Valid lines after the prefix that no commit mark closed (an unfinished batch). */
  unfinishedLines: number;
  /** A commit mark after the first damage: acknowledged entries sit past it (the hub quarantines). */
  committedAfterDamage: boolean;
}

export async function inspectLog(file: string): Promise<LogReport> {
  const damaged: LineDamage[] = [];
  let lineNo = 0;
  let lastSerial = 0;
  let goodBytes = 0;
  let pending = 0;
  let committedAfterDamage = false;
  let prevSerial = 0; // of the last valid line, damaged or not, for sequence checks past damage
  const handle = await fs.open(file, 'r');
  let size: number;
  try {
    size = (await handle.stat()).size;
    const end = await scanLines(
      handle,
      0,
      size,
      (buf, start, nl, offset) => {
        lineNo++;
        const chk = checkLine(buf, start, nl);
        if (!chk.ok) {
          damaged.push({ line: lineNo, offset, reason: chk.reason });
          return;
        }
        const k = readEntryKey(buf, chk.entryStart, chk.entryEnd) ?? parseKey(buf, chk.entryStart, chk.entryEnd);
        if (typeof k === 'string') {
          damaged.push({ line: lineNo, offset, reason: k });
          return;
        }
        const inPrefix = damaged.length === 0;
        const expected = inPrefix ? lastSerial + pending + 1 : prevSerial + 1;
        if (k.serial !== expected && (inPrefix || k.serial <= prevSerial)) {
          damaged.push({ line: lineNo, offset, reason: `serial ${k.serial} where ${expected} was expected` });
          return;
        }
        prevSerial = k.serial;
        if (!inPrefix) {
          if (chk.commit) committedAfterDamage = true;
          return;
        }
        pending++;
        if (chk.commit) {
          lastSerial += pending;
          pending = 0;
          goodBytes = offset + (nl - start) + 1;
        }
      },
      1024 * 1024,
    );
    if (end.partialBytes > 0) damaged.push({ line: lineNo + 1, offset: end.endOffset, reason: `torn last line (${end.partialBytes} bytes, no newline)` });
  } finally {
    await handle.close();
  }
  return { file, size, lines: lineNo, lastSerial, goodBytes, damaged, unfinishedLines: pending, committedAfterDamage };
}

export interface RepairResult {
  report: LogReport;
  /** Where the bytes past the valid prefix went. */
  movedTo: string;
  movedBytes: number;
  epoch: string;
}

/** Null when the log is whole (nothing past its valid prefix). Needs the data directory lock. */
export async function repairLog(eventDir: string, now = new Date()): Promise<RepairResult | null> {
  const file = path.join(eventDir, LOG_FILE);
  const report = await inspectLog(file);
  if (report.goodBytes === report.size) return null;
  const movedTo = path.join(eventDir, `${LOG_FILE}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`);
  // 1. the rest, aside and durable; 2. the new epoch; 3. cut. A crash between steps repeats them safely.
  const src = await fs.open(file, 'r');
  try {
    const rest = Buffer.alloc(report.size - report.goodBytes);
    await src.read(rest, 0, rest.length, report.goodBytes);
    const out = await fs.open(movedTo, 'wx');
    try {
      await writeAll(out, rest);
      await out.sync();
    } finally {
      await out.close();
    }
  } finally {
    await src.close();
  }
  const epoch = newEpoch();
  await writeFileAtomic(path.join(eventDir, EPOCH_FILE), epoch);
  await truncateDurable(file, report.goodBytes);
  await fsyncDir(eventDir);
  return { report, movedTo, movedBytes: report.size - report.goodBytes, epoch };
}
