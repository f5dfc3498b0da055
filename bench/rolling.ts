/**
 * `npm run bench -- rolling`: a rolling restart of a 3-node cluster under 1,000 phones and the
 * console core (tests/helpers/rolling-restart.ts, the scenario tests/cluster/rolling-restart.test.ts
 * runs with 300): each node drained (P31) then restarted in turn, against the same roll with each
 * node stopped by SIGTERM (every socket closed with 1001 at once) as the baseline, in one run.
 * Reports lost and doubled actions and how long phones were without a connection.
 */
import os from 'node:os';
import { hasRedis, redisSkipReason } from '../tests/helpers/redis-server';
import { runRollingRestart, type RollingFigures } from '../tests/helpers/rolling-restart';
import type { BenchModule } from './lib/report';

const ms = (n: number): number => Math.round(n);

export const bench: BenchModule = {
  describe: 'rolling restart of 3 nodes under 1,000 phones and a console: drained (P31) vs SIGTERM; lost/doubled actions, time without a connection',
  async run(ctx) {
    const title = 'Rolling restart of a 3-node cluster: drained vs stopped';
    if (!hasRedis) return [{ title, columns: ['setup', 'result'], rows: [['all', 'skipped']], notes: [redisSkipReason] }];
    const phones = ctx.quick ? 300 : 1_000;
    const drainSeconds = ctx.quick ? 2 : 10;
    const load0 = os.loadavg()[0] ?? 0;
    const runs: Array<{ label: string; f: RollingFigures }> = [];
    for (const stop of ['drain', 'sigterm'] as const) {
      const f = await runRollingRestart({ phones, drainSeconds, voteEveryMs: 4_000, chatPerSec: 5, stop, log: ctx.log });
      ctx.log(`${stop}: gaps p50/p99/max ${ms(f.gaps.quantile(0.5))}/${ms(f.gaps.quantile(0.99))}/${ms(f.gaps.max)} ms, lost ${f.lost.length}, doubled ${f.doubled.length}`);
      runs.push({ label: stop === 'drain' ? `drained (P31, --drain-seconds ${drainSeconds})` : 'SIGTERM (1001 to every socket at once; baseline)', f });
    }
    const load1 = os.loadavg()[0] ?? 0;
    const base = runs[1]?.f;
    return [
      {
        title,
        columns: ['node stop', 'phones', 'votes', 'console actions', 'lost', 'doubled', 'dup acks', 'views equal', 'offline per move p50 / p99 / max ms', 'offline per phone p99 ms', 'p99 vs baseline', 'roll s'],
        rows: runs.map(({ label, f }) => [
          label,
          f.phones,
          f.votesSent,
          f.consoleActions,
          f.lost.length,
          f.doubled.length + f.misacked.length,
          f.dupAcks,
          `${f.viewsEqual}/${f.phones}`,
          `${ms(f.gaps.quantile(0.5))} / ${ms(f.gaps.quantile(0.99))} / ${ms(f.gaps.max)}`,
          ms(f.offlinePerPhone.quantile(0.99)),
          base ? `${(f.gaps.quantile(0.99) / Math.max(1, base.gaps.quantile(0.99))).toFixed(2)}x` : '-',
          Number(f.rollS.toFixed(1)),
        ]),
        notes: [
          `Real Redis and 3 real hub processes (A, B, C); ${phones.toLocaleString('en-US')} phones (tests/helpers/roaming-client.ts, all in the benchmark process) hold the three URLs, a third starting on each node, each holding the audience view and changing its ballot every ~4 s; the real console core (Link + Journal + Outbox) posts 5 chat actions a second throughout. Each node in turn is taken down, exits, and is started again on its port before the next one goes.`,
          'Lost: a vote or console action that was sent but is not in the log; doubled: in the log twice, or acked under another serial. Dup acks: resends answered with their original serial (P14), which is how an action in flight at a close comes back without being doubled.',
          'Offline per move: from a phone\'s socket closing to its next welcome (on another node; failed attempts in between count); per phone: the sum over the roll. Measured in the benchmark process, which also runs every phone, so its own event-loop delay is included.',
          `One shared 2-core VM runs Redis, the hubs and every client (load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end, other jobs included).`,
        ],
      },
    ];
  },
};
