/**
 * A worker thread's share of the audience: brings its attendees in (a bounded number joining
 * at once), reports counters twice a second, and on `stop` lets in-flight pubs settle before
 * closing and sending its final figures.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Attendee, type WorkerContext } from './attendee';
import { HubClock } from '../shared/client';
import { LoopDelay } from '../shared/node/loop-delay';
import { PROFILES, rng } from './profiles';
import { StatsBag } from './stats';
import { DocCache, FrameCache, HashCache } from './view-cache';
import type { FromWorker, Gauges, ToWorker, WorkerConfig } from './worker-messages';

const TICK_MS = 500;

function main(): void {
  const port = parentPort;
  if (!port) throw new Error('worker.ts runs as a worker thread');
  const cfg = workerData as WorkerConfig;
  const post = (m: FromWorker): void => port.postMessage(m);
  const ctx: WorkerContext = {
    hubs: cfg.hubs,
    code: cfg.code,
    profile: PROFILES[cfg.profile],
    dropRate: cfg.dropRate,
    spreadSources: cfg.spreadSources,
    stats: new StatsBag(),
    frames: new FrameCache(),
    docs: new DocCache(),
    hashes: new HashCache(),
    clock: new HubClock(),
    rand: rng(cfg.seed + cfg.worker * 7919),
    runTag: cfg.runTag,
  };
  const attendees = Array.from({ length: cfg.count }, (_, i) => new Attendee(cfg.first + i, ctx));
  let peak = 0;
  let stopping = false;
  const lag = new LoopDelay(10);

  const gauges = (): Gauges => {
    let connected = 0;
    let failed = 0;
    let pendingPubs = 0;
    for (const a of attendees) {
      if (a.ready) connected++;
      if (a.failed) failed++;
      pendingPubs += a.pendingCount;
    }
    peak = Math.max(peak, connected);
    const loopLagP99Ms = lag.percentileMs(99);
    lag.reset();
    return { connected, failed, pendingPubs, clockOffsetMs: ctx.clock.offset ?? 0, loopLagP99Ms };
  };

  const ticker = setInterval(() => post({ type: 'tick', stats: ctx.stats.take(), gauges: gauges() }), TICK_MS);

  const ramp = async (): Promise<void> => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < attendees.length && !stopping) await (attendees[next++] as Attendee).start();
    };
    await Promise.all(Array.from({ length: Math.max(1, cfg.connectConcurrency) }, lane));
    if (!stopping) post({ type: 'ramped' });
  };

  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    for (const a of attendees) a.quiesce();
    const deadline = Date.now() + cfg.drainMs;
    while (Date.now() < deadline && attendees.some((a) => a.pendingCount > 0 && !a.failed)) await new Promise((r) => setTimeout(r, 50));
    const g = gauges();
    const ballotsByPoll: Record<string, number> = {};
    let voters = 0;
    let unsettled = 0;
    for (const a of attendees) {
      unsettled += a.pendingCount;
      if (a.ballotPolls.size) voters++;
      for (const p of a.ballotPolls) ballotsByPoll[p] = (ballotsByPoll[p] ?? 0) + 1;
    }
    for (const a of attendees) a.close();
    clearInterval(ticker);
    post({ type: 'final', stats: ctx.stats.take(), gauges: g, figures: { ballotsByPoll, voters, unsettled, connectedPeak: peak } });
    // Let the close handshakes go out, then end the thread.
    setTimeout(() => process.exit(0), 200).unref();
  };

  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') void stop();
  });
  void ramp().catch((err: unknown) => post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) }));
}

main();
