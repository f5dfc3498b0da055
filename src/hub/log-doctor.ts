/**
 * `npm run hub -- verify --data DIR` and `npm run hub -- repair --data DIR` (issue 11 item 5):
 * verify reads every event's files and prints every damaged event and line (exit 1 if any);
 * repair keeps each damaged log's longest valid prefix, moves the rest aside and starts a new
 * epoch, printing what it did. Repair takes the data directory lock, so it refuses to run
 * beside a hub; verify only reads.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseEventMeta } from './engine/event-meta';
import { takeDataDirLock } from './engine/embedded/data-dir-lock';
import { LOG_FILE } from './engine/embedded/event-log';
import { inspectLog, repairLog, type LogReport } from './engine/embedded/log-inspect';

const MAX_LINES_SHOWN = 50;

async function eventDirs(dataDir: string): Promise<string[]> {
  const eventsDir = path.join(dataDir, 'events');
  const entries = await fs.readdir(eventsDir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`${dataDir} holds no events (no ${eventsDir})`);
    throw err;
  });
  return entries.filter((d) => d.isDirectory()).map((d) => path.join(eventsDir, d.name)).sort();
}

/** null when meta.json is fine (or absent: an event whose creation never finished). */
async function metaProblem(dir: string): Promise<string | null> {
  const file = path.join(dir, 'meta.json');
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
  if (text === null) return null;
  try {
    parseEventMeta(text, file);
    return null;
  } catch {
    return 'meta.json is not event metadata (restore it from a backup)';
  }
}

function describe(r: LogReport): string[] {
  const out = r.damaged.slice(0, MAX_LINES_SHOWN).map((d) => `  line ${d.line} (byte ${d.offset}): ${d.reason}`);
  if (r.damaged.length > MAX_LINES_SHOWN) out.push(`  ... and ${r.damaged.length - MAX_LINES_SHOWN} more damaged lines`);
  if (r.unfinishedLines > 0) out.push(`  ${r.unfinishedLines} line(s) of an unfinished batch after serial ${r.lastSerial} (never acknowledged)`);
  const kind = r.committedAfterDamage ? 'acknowledged entries follow the damage: the hub quarantines this event' : 'only the tail is affected: the hub cuts it at start, under a new epoch';
  out.push(`  valid prefix: serials 1-${r.lastSerial} (${r.goodBytes} of ${r.size} bytes); ${kind}`);
  return out;
}

export async function runLogDoctor(command: 'verify' | 'repair', dataDir: string, print: (line: string) => void = console.log): Promise<number> {
  const dirs = await eventDirs(dataDir);
  const unlock = command === 'repair' ? takeDataDirLock(dataDir) : null;
  let damagedEvents = 0;
  try {
    for (const dir of dirs) {
      const name = path.basename(dir);
      const meta = await metaProblem(dir);
      if (meta) {
        damagedEvents++;
        print(`${name}: DAMAGED: ${meta}`);
      }
      const logFile = path.join(dir, LOG_FILE);
      const there = await fs.stat(logFile).catch(() => null);
      if (!there) {
        if (!meta) print(`${name}: no log yet`);
        continue;
      }
      if (command === 'verify') {
        const r = await inspectLog(logFile);
        if (r.goodBytes === r.size) {
          if (!meta) print(`${name}: ok, ${r.lastSerial} entries`);
          continue;
        }
        damagedEvents++;
        print(`${name}: DAMAGED: ${r.damaged.length} damaged line(s)`);
        for (const l of describe(r)) print(l);
        continue;
      }
      const done = await repairLog(dir);
      if (!done) {
        print(`${name}: ok, nothing to repair`);
        continue;
      }
      damagedEvents++;
      print(`${name}: REPAIRED: kept serials 1-${done.report.lastSerial} (${done.report.goodBytes} bytes); moved ${done.movedBytes} bytes (${done.report.damaged.length} damaged line(s) and everything after the valid prefix) to ${done.movedTo}; new epoch ${done.epoch}`);
      for (const l of describe(done.report)) print(l);
    }
  } finally {
    unlock?.();
  }
  const verb = command === 'verify' ? 'damaged' : 'repaired';
  print(`${dirs.length} event(s) checked, ${damagedEvents} ${verb}`);
  return command === 'verify' && damagedEvents > 0 ? 1 : 0;
}
