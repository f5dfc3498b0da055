/**
 * Embedded engine figures: how long a hub takes to reopen a big event (`npm run bench --
 * recovery`: with its snapshots, and folding the whole log), and how many ~200-byte appends per
 * second group commit sustains from many concurrent callers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { EmbeddedEngine } from '../../src/hub/engine/embedded';
import { INDEX_SNAPSHOT_FILE } from '../../src/hub/engine/embedded/index-snapshot';
import { STATE_SNAPSHOT_FILE } from '../../src/hub/engine/embedded/event-log';
import type { SnapshotPolicy } from '../../src/hub/engine/engine';
import { EventRuntime } from '../../src/hub/event-runtime';
import { staffView } from '../../src/shared/domain';
import { encodeBatch, encodeEntry, type EncodedLine } from '../../src/hub/engine/embedded/line-codec';
import type { AppendInput } from '../../src/hub/engine/engine';
import type { LogEntry } from '../../src/shared/domain/types';
import { Histogram } from '../../src/shared/histogram';

const EVENT = 'bench-event';

/** A small audience vote, as the hub would store it (~150 bytes a line). */
function voteEntry(serial: number): LogEntry {
  return {
    serial,
    ts: 1_760_000_000_000 + serial,
    clientId: `aud_${(serial % 40_000).toString(36).padStart(8, '0')}`,
    id: `v${serial.toString(36)}`,
    name: 'vote.cast',
    role: 'audience',
    data: { pollId: 'poll-1', optionIds: [`o${serial % 4}`] },
  };
}

async function withEngine<T>(dir: string, fn: (e: EmbeddedEngine) => Promise<T>): Promise<T> {
  const engine = new EmbeddedEngine({ dataDir: dir, node: 'bench' });
  await engine.open();
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/**
 * A full collection before each reopen, so every open starts from a clean heap as a restarted
 * hub process does (without it the previous opens' garbage lands a major GC in every other
 * open: 62-86 ms and 310-343 ms alternating). Exposed here so the bench does not depend on
 * NODE_OPTIONS=--expose-gc.
 */
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/** The hub's view of a reopened event: what a restart must rebuild before it serves. */
export interface ReopenRun {
  ms: number;
  /** Of which EmbeddedEngine.open() (every log checked, as at start-up). */
  engineMs: number;
  serial: number;
  retained: number[];
  staffJson: string;
  heapMB: number;
  /** ArrayBuffer memory outside the heap (the dedupe table loaded from a snapshot lives there). */
  arrayBuffersMB: number;
}

export interface ReopenFigures {
  entries: number;
  logBytes: number;
  indexSnapshotBytes: number;
  stateSnapshotBytes: number;
  withSnapshot: ReopenRun[];
  fullFold: ReopenRun[];
  /** Whether every snapshot reopen matched the full fold (state, serial, retained serials). */
  same: boolean;
}

/**
 * An event as the hub logs it: a poll created and opened by the host, then ballots from 40,000
 * audience clients (each changing its ballot from time to time), a chat message every 1,000.
 */
function eventEntry(serial: number): LogEntry {
  const ts = 1_760_000_000_000 + serial;
  if (serial === 1) {
    return { serial, ts, clientId: 'staff_host', id: 'mk', name: 'poll.create', role: 'host', data: { pollId: 'poll-1', question: 'Q', kind: 'single', options: [0, 1, 2, 3].map((i) => ({ id: `o${i}`, label: `Option ${i}` })) } };
  }
  if (serial === 2) return { serial, ts, clientId: 'staff_host', id: 'op', name: 'poll.open', role: 'host', data: { pollId: 'poll-1' } };
  if (serial % 1000 === 0) return { serial, ts, clientId: 'staff_host', id: `c${serial}`, name: 'chat.send', role: 'host', data: { messageId: `m${serial}`, text: `message ${serial}` } };
  return voteEntry(serial);
}

async function writeLog(dir: string, entries: number): Promise<string> {
  await withEngine(dir, (e) => e.createEvent({ eventId: EVENT, title: 'bench', joinCode: 'BENCH1', createdAt: 1_760_000_000_000 }));
  const logFile = path.join(dir, 'events', EVENT, 'log.jsonl');
  const fd = fs.openSync(logFile, 'a');
  let batch: EncodedLine[] = [];
  let chunk: Buffer[] = [];
  let chunkBytes = 0;
  for (let s = 1; s <= entries; s++) {
    batch.push(encodeEntry(eventEntry(s)));
    if (batch.length === 100 || s === entries) {
      const b = encodeBatch(batch);
      chunk.push(b);
      chunkBytes += b.length;
      batch = [];
    }
    if (chunkBytes > 8 << 20 || s === entries) {
      fs.writeSync(fd, Buffer.concat(chunk));
      chunk = [];
      chunkBytes = 0;
    }
  }
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  return logFile;
}

const NO_SNAPSHOTS: SnapshotPolicy = { everyEntries: Infinity, everyMs: Infinity, minEntries: Infinity };

/**
 * One restart as the hub does it: a new EmbeddedEngine over the folder, open() (which checks
 * every event's log), then EventRuntime.open (the log reopened on demand, the state loaded from
 * its snapshot or folded, the states kept for resume rebuilt); timed until the runtime is live.
 * `snapshot` true: the state snapshot is written before closing (the first, full-fold run).
 */
async function reopen(dir: string, writeSnapshots: boolean): Promise<ReopenRun> {
  gc();
  const notices: string[] = [];
  const t0 = performance.now();
  const engine = new EmbeddedEngine({ dataDir: dir, node: 'bench', snapshots: NO_SNAPSHOTS, notice: (_e, m) => notices.push(m) });
  await engine.open();
  const engineMs = performance.now() - t0;
  const meta = await engine.getEvent(EVENT);
  if (!meta) throw new Error('bench event missing');
  const rt = await EventRuntime.open(engine, meta, {
    node: 'bench',
    syncHz: 10,
    snapshots: NO_SNAPSHOTS,
    onError: (err) => {
      throw err;
    },
    onEnded: () => undefined,
    notice: (m) => notices.push(m),
  });
  const ms = performance.now() - t0;
  try {
    if (writeSnapshots) {
      await engine.snapshotIndex(EVENT);
      await rt.snapshotNow();
    }
    gc();
    return { ms, engineMs, serial: rt.serial, retained: rt.retainedSerials, staffJson: JSON.stringify(staffView(rt.currentState)), heapMB: process.memoryUsage().heapUsed / 2 ** 20, arrayBuffersMB: process.memoryUsage().arrayBuffers / 2 ** 20 };
  } finally {
    await rt.close();
    await engine.close();
    if (notices.length && !writeSnapshots) console.log(`  notices: ${notices.join('; ')}`);
  }
}

/**
 * Builds an N-entry log, folds it once in full (writing both snapshots), then reopens it
 * `opens` times with the snapshots and `fullOpens` times without them (moved aside), all in
 * this run.
 */
export async function measureReopen(entries: number, opens: number, fullOpens: number, log: (l: string) => void): Promise<ReopenFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-reopen-'));
  try {
    const logFile = await writeLog(dir, entries);
    const evDir = path.dirname(logFile);
    const first = await reopen(dir, true);
    log(`first open (full fold, snapshots written): ${first.ms.toFixed(0)} ms`);
    const snaps = [INDEX_SNAPSHOT_FILE, STATE_SNAPSHOT_FILE].map((f) => path.join(evDir, f));
    const [indexSnapshotBytes, stateSnapshotBytes] = snaps.map((f) => fs.statSync(f).size) as [number, number];
    const withSnapshot: ReopenRun[] = [];
    for (let i = 0; i < opens; i++) {
      withSnapshot.push(await reopen(dir, false));
      log(`reopen with snapshots: ${withSnapshot.at(-1)?.ms.toFixed(0)} ms`);
    }
    const fullFold: ReopenRun[] = [first];
    for (const f of snaps) fs.renameSync(f, `${f}.aside`);
    for (let i = 1; i < fullOpens; i++) {
      fullFold.push(await reopen(dir, false));
      log(`reopen, full fold: ${fullFold.at(-1)?.ms.toFixed(0)} ms`);
    }
    for (const f of snaps) fs.renameSync(`${f}.aside`, f);
    const same = [...withSnapshot, ...fullFold].every((r) => r.serial === first.serial && r.staffJson === first.staffJson && r.retained.join() === first.retained.join());
    return { entries, logBytes: fs.statSync(logFile).size, indexSnapshotBytes, stateSnapshotBytes, withSnapshot, fullFold, same };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface AppendFigures {
  callers: number;
  entries: number;
  entryBytes: number;
  perSecond: number;
  fsyncs: number;
  meanBatch: number;
  p50Ms: number;
  p99Ms: number;
}

/** `callers` concurrent loops, each appending one ~200-byte entry per call and awaiting it. */
export async function measureAppends(callers: number, entries: number): Promise<AppendFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-appends-'));
  try {
    return await withEngine(dir, async (engine) => {
      await engine.createEvent({ eventId: EVENT, title: 'bench', joinCode: 'BENCH2', createdAt: Date.now() });
      const lat = new Histogram();
      const text = 'x'.repeat(60);
      let next = 0;
      const sample: AppendInput = { ts: 0, clientId: 'aud_00000000', id: 'q0', name: 'question.ask', role: 'audience', data: { questionId: 'q0', text } };
      const entryBytes = JSON.stringify({ ...sample, serial: 1 }).length + 30;
      const before = engine.stats().fsyncs;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: callers }, async (_, c) => {
          while (next < entries) {
            const n = next++;
            const input: AppendInput = { ...sample, ts: Date.now(), clientId: `aud_${c.toString().padStart(8, '0')}`, id: `q${n}`, data: { questionId: `q${n}`, text } };
            const t = performance.now();
            await engine.append(EVENT, [input]);
            lat.record(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const fsyncs = engine.stats().fsyncs - before;
      return { callers, entries, entryBytes, perSecond: entries / seconds, fsyncs, meanBatch: entries / fsyncs, p50Ms: lat.quantile(0.5), p99Ms: lat.quantile(0.99) };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
