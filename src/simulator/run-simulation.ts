/**
 * The simulator as a library: `runSimulation(options)` spreads the audience over worker
 * threads, reports progress each second, and resolves with the final report once the
 * duration is over or the AbortSignal fires (aborting ends the run early; it still resolves
 * with the report, since a rehearsal stopped by its producer still wants its figures).
 */
import crypto from 'node:crypto';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { buildReport, type SimReport } from './report';
import { resolveOptions, type SimOptionsInput } from './options';
import { spawnWorker } from './spawn-worker';
import { StatsBag } from './stats';
import type { FinalFigures, FromWorker, Gauges, WorkerConfig } from './worker-messages';

export interface SimProgress {
  phase: 'connecting' | 'running' | 'draining';
  elapsedS: number;
  audience: number;
  joined: number;
  connected: number;
  failed: number;
  framesInPerSec: number;
  framesOutPerSec: number;
  /** Over the last second; 0 without acks. */
  ackP99Ms: number;
  reconnects: number;
  pendingPubs: number;
  /** The busiest worker's event-loop delay p99 (ms): above ~100 the simulator itself is saturated. */
  simulatorLagMs: number;
}

export interface RunOptions extends SimOptionsInput {
  signal?: AbortSignal;
  onProgress?: (p: SimProgress) => void;
  /** Start the run clock after this long even if some attendees are still connecting. */
  rampTimeoutS?: number;
}

export class SimulationError extends Error {
  constructor(
    readonly code: 'invalid_options' | 'worker_failed',
    message: string,
  ) {
    super(message);
  }
}

const WORKER_FILE = path.join(__dirname, `worker${path.extname(__filename) || '.ts'}`);

export async function runSimulation(input: RunOptions): Promise<SimReport> {
  const resolved = resolveOptions(input);
  if (!resolved.ok) throw new SimulationError('invalid_options', resolved.error);
  const o = resolved.options;
  const t0 = performance.now();
  const total = new StatsBag();
  let window = new StatsBag();
  const gauges = new Map<number, Gauges>();
  const finals = new Map<number, FinalFigures>();
  const failures: string[] = [];
  let worstLagInRun = 0;
  let ramped = 0;
  let phase: SimProgress['phase'] = 'connecting';
  let lastProgressAt = performance.now();

  const per = Math.floor(o.audience / o.workers);
  const extra = o.audience % o.workers;
  const workers: Worker[] = [];
  let first = 0;
  const runTag = crypto.randomBytes(4).toString('hex');
  for (let w = 0; w < o.workers; w++) {
    const count = per + (w < extra ? 1 : 0);
    const cfg: WorkerConfig = { worker: w, hubs: o.hubs, code: o.code, first, count, profile: o.profile, dropRate: o.dropRate, spreadSources: o.spreadSources, seed: o.seed, connectConcurrency: o.connectConcurrency, drainMs: o.drainMs, runTag };
    first += count;
    workers.push(spawnWorker(WORKER_FILE, cfg));
  }

  let stopRequested: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stopRequested = resolve));
  let allRamped: () => void = () => undefined;
  const rampDone = new Promise<void>((resolve) => (allRamped = resolve));
  let allFinal: () => void = () => undefined;
  const finalsDone = new Promise<void>((resolve) => (allFinal = resolve));
  const exited = new Set<number>();
  const settle = (): void => {
    if (ramped + exited.size >= o.workers) allRamped();
    if ([...Array(o.workers).keys()].every((w) => finals.has(w) || exited.has(w))) allFinal();
  };

  workers.forEach((wk, w) => {
    wk.on('message', (m: FromWorker) => {
      if (m.type === 'tick' || m.type === 'final') {
        total.merge(m.stats);
        window.merge(m.stats);
        gauges.set(w, m.gauges);
        if (phase === 'running') worstLagInRun = Math.max(worstLagInRun, m.gauges.loopLagP99Ms);
      }
      if (m.type === 'ramped') ramped++;
      if (m.type === 'final') finals.set(w, m.figures);
      if (m.type === 'fatal') failures.push(`worker ${w}: ${m.message}`);
      settle();
    });
    wk.on('error', (err) => failures.push(`worker ${w}: ${err.message}`));
    wk.on('exit', () => {
      exited.add(w);
      settle();
      if (exited.size === o.workers) stopRequested(); // nothing left to run
    });
  });

  const progress = (): SimProgress => {
    const now = performance.now();
    const secs = Math.max(0.001, (now - lastProgressAt) / 1000);
    lastProgressAt = now;
    const g = [...gauges.values()];
    const p: SimProgress = {
      phase,
      elapsedS: Math.round((now - t0) / 100) / 10,
      audience: o.audience,
      joined: total.counters.joined,
      connected: g.reduce((s, x) => s + x.connected, 0),
      failed: g.reduce((s, x) => s + x.failed, 0),
      framesInPerSec: Math.round(window.counters.framesIn / secs),
      framesOutPerSec: Math.round(window.counters.framesOut / secs),
      ackP99Ms: Math.round(window.ackMs.quantile(0.99) * 10) / 10,
      reconnects: total.counters.reconnects,
      pendingPubs: g.reduce((s, x) => s + x.pendingPubs, 0),
      simulatorLagMs: Math.round(Math.max(0, ...g.map((x) => x.loopLagP99Ms))),
    };
    window = new StatsBag();
    return p;
  };
  const progressTimer = setInterval(() => input.onProgress?.(progress()), 1_000);

  const onAbort = (): void => stopRequested();
  if (input.signal?.aborted) stopRequested();
  input.signal?.addEventListener('abort', onAbort, { once: true });

  const rampTimeout = new Promise<void>((resolve) => setTimeout(resolve, (input.rampTimeoutS ?? 60 + o.audience / 50) * 1000).unref());
  await Promise.race([rampDone, rampTimeout, stopSignal]);
  phase = 'running';
  const runStartedAt = performance.now();
  const atRunStart = { framesIn: total.counters.framesIn, framesOut: total.counters.framesOut };
  let durationTimer: NodeJS.Timeout | null = null;
  if (o.durationS !== undefined) durationTimer = setTimeout(stopRequested, o.durationS * 1000);
  await stopSignal;
  if (durationTimer) clearTimeout(durationTimer);
  const runEndedAt = performance.now();
  phase = 'draining';
  for (const wk of workers) wk.postMessage({ type: 'stop' });
  await Promise.race([finalsDone, new Promise((r) => setTimeout(r, o.drainMs + 10_000).unref())]);
  clearInterval(progressTimer);
  input.signal?.removeEventListener('abort', onAbort);
  await Promise.all(workers.map((wk) => wk.terminate()));

  if (finals.size === 0) throw new SimulationError('worker_failed', failures.join('; ') || 'every worker ended without a report');
  if (finals.size < o.workers) failures.push(`${o.workers - finals.size} worker(s) ended without a final report`);
  if (failures.length) for (const f of failures) total.countKey('errors', `worker: ${f}`);
  const offsets = [...gauges.values()].map((g) => g.clockOffsetMs);
  return buildReport({
    opts: { hubs: o.hubs, code: o.code, profile: o.profile, audience: o.audience, workers: o.workers, dropRate: o.dropRate },
    total,
    atRunStart,
    rampS: (runStartedAt - t0) / 1000,
    runS: (runEndedAt - runStartedAt) / 1000,
    aborted: input.signal?.aborted ?? false,
    finals: [...finals.values()],
    connectedAtEnd: [...gauges.values()].reduce((s, g) => s + g.connected, 0),
    clockOffsetMs: offsets.length ? offsets.reduce((a, b) => a + b, 0) / offsets.length : 0,
    simulatorLagP99Ms: worstLagInRun,
  });
}
