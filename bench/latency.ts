/**
 * `npm run bench -- latency`: how long a change takes to reach subscribers when the show is
 * quiet (1 change/s: leading-edge sync sends it at once) and when it is busy (50 changes/s:
 * conflated to syncHz), against a bare `ws` relay in the same run (the floor).
 */
import os from 'node:os';
import { measureFanout, type FanoutFigures } from './lib/fanout';
import type { BenchModule, BenchTable } from './lib/report';

const CLIENTS = { full: 500, quick: 100 };
const RATES = [1, 50];
const ms = (v: number): string => v.toFixed(1);

export const bench: BenchModule = {
  describe: 'fan-out latency p50/p99 at 1 and 50 changes/s, hub vs bare ws in the same run',
  async run(ctx) {
    const clients = ctx.quick ? CLIENTS.quick : CLIENTS.full;
    const load0 = os.loadavg()[0] ?? 0;
    const rows: BenchTable['rows'] = [];
    const notes: string[] = [];
    for (const rateHz of RATES) {
      const measureS = ctx.quick ? 5 : rateHz === 1 ? 40 : 15;
      const hub = await measureFanout({ kind: 'hub', clients, rateHz, warmupS: 2, measureS, workers: 2, log: ctx.log });
      const ws: FanoutFigures = await measureFanout({ kind: 'ws', clients, rateHz, frameBytes: Math.round(hub.avgFrameBytes), warmupS: 2, measureS, workers: 2, log: ctx.log });
      for (const f of [hub, ws]) rows.push([`${rateHz}/s`, f.kind === 'hub' ? 'Stagecall hub' : 'bare ws relay', f.connected, Math.round(f.framesPerSec), f.latencyP50, f.latencyP99]);
      notes.push(`${rateHz} change(s)/s: hub p50 ${ms(hub.latencyP50)} ms = ${(hub.latencyP50 / Math.max(0.01, ws.latencyP50)).toFixed(2)}x bare ws (${ms(ws.latencyP50)} ms); p99 ${ms(hub.latencyP99)} vs ${ms(ws.latencyP99)} ms; hub frames/s per subscriber ${(hub.framesPerSec / Math.max(1, hub.connected)).toFixed(1)}.`);
    }
    const load1 = os.loadavg()[0] ?? 0;
    return [
      {
        title: `Fan-out latency, ${clients} subscribers: quiet (1 change/s) and busy (50 changes/s)`,
        columns: ['changes', 'server', 'connected', 'frames/s delivered', 'latency p50 ms', 'latency p99 ms'],
        rows,
        notes: [
          'The hub publisher is a host posting chat (fsynced append, fold, audience view patch); the relay forwards at once and stores nothing. Latency: publisher clock to subscriber receipt, histogram p50/p99.',
          'Aim (issue 18): at 1 change/s the hub p50 within 3x of bare ws (leading-edge sync); at 50 changes/s frames stay conflated to syncHz (10/s per subscriber).',
          ...notes,
          `Load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (2 cores shared with the load generators).`,
        ],
      },
    ];
  },
};
