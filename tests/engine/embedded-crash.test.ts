/**
 * P16 (with P14, P15): a child process appends as fast as acks return and is SIGKILLed at a
 * random moment; reopening must find every acknowledged entry exactly once at its acked
 * serial, serials 1..N without gaps, and a file that opens cleanly. Each round kills twice
 * on one data dir (the second run starts from a recovered log and resends ids of the first).
 * A SIGKILL keeps the page cache (the kernel finishes a write() in progress), so after the
 * first kill the test also cuts the file at a random byte past the last acknowledged batch,
 * as a power loss could: recovery must drop the unfinished batch and keep every ack.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventMeta } from '../../src/hub/engine/engine';
import type { LogEntry } from '../../src/shared/domain/types';
import { openEmbedded, tempDataDir } from './embedded-harness';

const CHILD = path.join(__dirname, 'fixtures', 'append-child.ts');
const EVENT: EventMeta = { eventId: 'crash-ev', title: 'Crash', joinCode: 'CRASH2', createdAt: 1 };

interface Ack {
  serial: number;
  key: string;
}

/** Runs the child until it has printed `killAfter` acks, then SIGKILLs it. */
async function runAndKill(dataDir: string, tag: string, killAfter: number, resendTag?: string, snapshotEvery = 0, opened: number[] = []): Promise<Ack[]> {
  const args = ['--import', 'tsx', CHILD, dataDir, EVENT.eventId, tag, ...(resendTag ? [resendTag] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SNAPSHOT_EVERY: String(snapshotEvery) } });
  const acks: Ack[] = [];
  let stderr = '';
  let rest = '';
  let killed = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop() ?? '';
    for (const line of parts) {
      if (line.startsWith('ready')) {
        opened.push(Number(line.split(' ')[1]));
        continue;
      }
      const [serial, key] = line.split(' ');
      acks.push({ serial: Number(serial), key: key as string });
    }
    if (!killed && acks.length >= killAfter) {
      killed = true;
      child.kill('SIGKILL');
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  if (signal !== 'SIGKILL') throw new Error(`child ended on its own (code ${code}): ${stderr}`);
  return acks;
}

async function readAll(dataDir: string): Promise<{ log: LogEntry[]; droppedLines: number }> {
  const engine = await openEmbedded(dataDir);
  try {
    const log: LogEntry[] = [];
    for (let page; (page = await engine.read(EVENT.eventId, log.length + 1, 1000)).length > 0; ) log.push(...page);
    expect(log.length).toBe((await engine.info(EVENT.eventId)).lastSerial);
    return { log, droppedLines: engine.stats().droppedLines };
  } finally {
    await engine.close();
  }
}

/** Truncates the log at a random byte after the end of the batch holding the newest acked serial. */
function cutUnacknowledged(dataDir: string, acks: Ack[]): number {
  const file = path.join(dataDir, 'events', EVENT.eventId, 'log.jsonl');
  const buf = fs.readFileSync(file);
  const newest = Math.max(0, ...acks.map((a) => a.serial));
  let safe = 0;
  for (let at = 0, line = 1; newest > 0 && at < buf.length; line++) {
    const nl = buf.indexOf(0x0a, at);
    if (nl < 0) break;
    if (line >= newest && buf.toString('latin1', at, at + 30).includes('"end":1')) {
      safe = nl + 1;
      break;
    }
    at = nl + 1;
  }
  const cut = safe + Math.floor(Math.random() * (buf.length - safe + 1));
  fs.truncateSync(file, cut);
  return buf.length - cut;
}

function checkLog(log: LogEntry[], acks: Ack[]): void {
  expect(log.map((e) => e.serial)).toEqual(log.map((_, i) => i + 1));
  const keys = log.map((e) => `${e.clientId}/${e.id}`);
  expect(new Set(keys).size).toBe(keys.length);
  const missing = acks.filter((a) => keys[a.serial - 1] !== a.key);
  expect(missing).toEqual([]);
}

describe('embedded engine crash durability', () => {
  // Kill points spread from the first ack to deep into a busy run; randomised within each band.
  const bands: Array<[number, number]> = [[1, 5], [20, 300], [300, 3000], [3000, 8000], [8000, 20000]];

  for (const [round, [lo, hi]] of bands.entries()) {
    it(`P16 round ${round + 1}: SIGKILL after ${lo}-${hi} acks loses no acked entry; each lands exactly once at its serial (P14, P15)`, async () => {
      const dataDir = tempDataDir('crash');
      try {
        const setup = await openEmbedded(dataDir);
        await setup.createEvent(EVENT);
        await setup.close();
        const pick = (): number => lo + Math.floor(Math.random() * (hi - lo + 1));

        const first = await runAndKill(dataDir, 'a', pick());
        const cutBytes = cutUnacknowledged(dataDir, first);
        const afterFirst = await readAll(dataDir);
        checkLog(afterFirst.log, first);

        const second = await runAndKill(dataDir, 'b', pick(), 'a');
        const { log, droppedLines } = await readAll(dataDir);
        checkLog(log, [...first, ...second]);
        expect(log.length).toBeGreaterThanOrEqual(afterFirst.log.length);

        // Opening once more finds nothing left to repair.
        expect((await readAll(dataDir)).droppedLines).toBe(0);
        console.log(
          `round ${round + 1}: acked ${first.length} + ${second.length}, log holds ${log.length}; ` +
            `cut ${cutBytes} unsynced bytes; recovery dropped ${afterFirst.droppedLines} + ${droppedLines} unacknowledged lines`,
        );
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  }

  it('issue 18: SIGKILL while index snapshots are written every 400 entries, three runs resending the previous ids: no acked entry lost, none doubled', async () => {
    const dataDir = tempDataDir('crash-snap');
    try {
      const setup = await openEmbedded(dataDir);
      await setup.createEvent(EVENT);
      await setup.close();
      const pick = (): number => 3000 + Math.floor(Math.random() * 5000);
      const opened: number[] = [];
      const all: Ack[] = [];
      for (const [tag, resend] of [['a', undefined], ['b', 'a'], ['c', 'b']] as const) {
        all.push(...(await runAndKill(dataDir, tag, pick(), resend, 400, opened)));
        checkLog((await readAll(dataDir)).log, all);
      }
      expect(fs.existsSync(path.join(dataDir, 'events', EVENT.eventId, 'log-index.snap'))).toBe(true);
      console.log(`snapshot rounds: acked ${all.length}; runs opened from an index snapshot: ${opened.join(', ')}`);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
