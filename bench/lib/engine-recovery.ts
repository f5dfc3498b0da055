/**
 * Embedded engine figures for `npm run bench -- hub`: how long reopening a big log takes
 * (recovery reads and checks every line, and rebuilds the dedupe index), and how many
 * ~200-byte appends per second group commit sustains from many concurrent callers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedEngine } from '../../src/hub/engine/embedded';
import { encodeBatch, encodeEntry, type EncodedLine } from '../../src/hub/engine/embedded/line-codec';
import type { AppendInput } from '../../src/hub/engine/engine';
import type { LogEntry } from '../../src/shared/domain/types';
import { Histogram } from '../../src/shared/histogram';
import type { BenchContext, BenchTable } from './report';

const EVENT = 'bench-event';

export interface RecoveryFigures {
  entries: number;
  logBytes: number;
  /** Wall time of EmbeddedEngine.open() over the log. */
  openMs: number;
  /** Heap in use after open (after a GC when run with --expose-gc). */
  heapMB: number;
  rssMB: number;
}

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

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Builds an N-entry log (written directly in the engine's line format, 100 per batch) and times reopen. */
export async function measureRecovery(entries: number): Promise<RecoveryFigures> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-recovery-'));
  try {
    await withEngine(dir, (e) => e.createEvent({ eventId: EVENT, title: 'bench', joinCode: 'BENCH1', createdAt: Date.now() }));
    const logFile = path.join(dir, 'events', EVENT, 'log.jsonl');
    const fd = fs.openSync(logFile, 'a');
    let batch: EncodedLine[] = [];
    let chunk: Buffer[] = [];
    let chunkBytes = 0;
    for (let s = 1; s <= entries; s++) {
      batch.push(encodeEntry(voteEntry(s)));
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
    const logBytes = fs.statSync(logFile).size;
    gc();
    const t0 = performance.now();
    return await withEngine(dir, async (engine) => {
      const openMs = performance.now() - t0;
      const info = await engine.info(EVENT);
      if (info.lastSerial !== entries) throw new Error(`recovered ${info.lastSerial} of ${entries} entries`);
      gc();
      const mem = process.memoryUsage();
      return { entries, logBytes, openMs, heapMB: mem.heapUsed / 2 ** 20, rssMB: mem.rss / 2 ** 20 };
    });
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

/** Both measurements as docs/benchmarks.md tables, for the hub benchmark to include. */
export async function embeddedEngineTables(ctx: BenchContext): Promise<BenchTable[]> {
  const sizes = ctx.quick ? [100_000] : [100_000, 1_000_000];
  const recovery: BenchTable = {
    title: 'Embedded engine: reopen (recovery) time',
    columns: ['entries', 'log MB', 'open ms', 'heap MB after open'],
    rows: [],
    notes: [
      'A log of small vote.cast entries (~180 bytes a line, 100 per batch), written in the engine format; then EmbeddedEngine.open() is timed.',
      'Open verifies every line checksum, rebuilds the dedupe index (clientId+id → serial) and a sparse offset index, and loads the newest 10,000 entries.',
      'Heap is what the process holds afterwards (run with --expose-gc for a GC first): mostly the dedupe index.',
    ],
  };
  for (const n of sizes) {
    const r = await measureRecovery(n);
    ctx.log(`recovery ${n}: ${r.openMs.toFixed(0)} ms`);
    recovery.rows.push([n, r.logBytes / 2 ** 20, r.openMs, r.heapMB]);
  }
  const appends: BenchTable = {
    title: 'Embedded engine: durable appends with group commit',
    columns: ['callers', 'entries', 'entries/s', 'fsyncs', 'entries per fsync', 'p50 ms', 'p99 ms'],
    rows: [],
    notes: [
      'Each caller appends one ~220-byte entry per call and awaits it; append resolves only after the batch holding it is fsynced (P16).',
      'Appends arriving during an fsync are written and fsynced together in the next batch, so throughput grows with concurrency.',
    ],
  };
  for (const callers of [1, 100, 1000]) {
    const r = await measureAppends(callers, ctx.quick ? Math.min(20_000, callers * 200) : Math.min(100_000, callers * 1000));
    ctx.log(`appends, ${callers} callers: ${r.perSecond.toFixed(0)}/s`);
    appends.rows.push([callers, r.entries, r.perSecond, r.fsyncs, r.meanBatch, r.p50Ms, r.p99Ms]);
  }
  return [recovery, appends];
}
