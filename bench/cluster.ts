/**
 * `npm run bench -- cluster`: the clustered hub (issue 7) on this machine. The same load —
 * audience subscribers split evenly across the nodes, a host on the first node posting chat
 * at a fixed rate, the audience changing ballots — against one embedded hub (baseline), one
 * hub on Redis, and two hubs on one Redis. Reports delivered frames/s, fan-out latency (on
 * the host's node and across nodes), vote acks, and the CPU of each hub and of redis-server.
 * Skips with a note row when redis-server is not installed.
 */
import os from 'node:os';
import { hasRedis, redisSkipReason, startRedis } from '../tests/helpers/redis-server';
import { measureCluster, type ClusterFigures } from './lib/cluster-load';
import type { BenchModule, BenchTable } from './lib/report';

const COLUMNS = [
  'setup',
  'subscribers',
  'frames/s delivered',
  "fan-out p50/p99 ms (host's node)",
  'fan-out p50/p99 ms (other node)',
  'votes acked/s',
  'vote ack p50/p99 ms',
  'hub CPU % per node',
  'Redis CPU %',
  'hub CPU µs/frame (all nodes)',
];

const pair = (a: number, b: number): string => `${a.toFixed(0)} / ${b.toFixed(0)}`;

function row(label: string, f: ClusterFigures): Array<string | number> {
  return [
    label,
    f.connected,
    Math.round(f.framesPerSec),
    pair(f.local.p50, f.local.p99),
    f.remote ? pair(f.remote.p50, f.remote.p99) : '-',
    Math.round(f.votesPerSec),
    pair(f.ackP50, f.ackP99),
    f.hubCpuPct.map((c) => c.toFixed(0)).join(' + '),
    f.redisCpuPct === null ? '-' : Number(f.redisCpuPct.toFixed(1)),
    Number(f.hubCpuUsPerFrame.toFixed(1)),
  ];
}

export const bench: BenchModule = {
  describe: 'clustered hub: 1 embedded node vs 1 and 2 nodes on one Redis, same audience load; frames/s, fan-out latency, Redis and hub CPU',
  async run(ctx) {
    const title = 'Clustered hub: one node vs two nodes on one Redis';
    if (!hasRedis) return [{ title, columns: ['setup', 'result'], rows: [['all', 'skipped']], notes: [redisSkipReason] }];
    const clients = ctx.quick ? 300 : 2_000;
    const rateHz = 5;
    // Ballots change often enough that the quick run's short window sees votes too.
    const voteEveryMs = ctx.quick ? 3_000 : 10_000;
    const base = { clients, rateHz, voteEveryMs, warmupS: ctx.quick ? 2 : 6, measureS: ctx.quick ? 4 : 15, workers: 2, log: ctx.log };
    const load0 = os.loadavg()[0] ?? 0;
    const rows: BenchTable['rows'] = [];
    const figs: ClusterFigures[] = [];

    const embedded = await measureCluster({ ...base, nodes: 1 });
    rows.push(row('1 node, embedded engine (baseline)', embedded));
    for (const nodes of [1, 2]) {
      // A fresh Redis per setup, with the durability the docs recommend for events.
      const redis = await startRedis({ appendonly: true, appendfsync: 'always' });
      try {
        const f = await measureCluster({ ...base, nodes, redisUrl: redis.url });
        figs.push(f);
        rows.push(row(`${nodes} node${nodes > 1 ? 's' : ''}, Redis (AOF, appendfsync always)`, f));
      } finally {
        await redis.stop();
      }
    }
    const load1 = os.loadavg()[0] ?? 0;
    const [one, two] = figs;
    const troubles = [embedded, ...figs].filter((f) => Object.keys(f.closes).length || Object.keys(f.nacks).length);
    return [
      {
        title,
        columns: COLUMNS,
        rows,
        notes: [
          `Workload: ${clients.toLocaleString('en-US')} audience clients (real protocol clients in 2 load worker threads, split evenly across the nodes, each joined through its own node) hold the audience view; the host, connected to the first node, posts ${rateHz} chat messages a second, each stamped with its publish time; every client changes its ballot about every ${voteEveryMs / 1000} s (~${Math.round((clients * 1000) / voteEveryMs)} votes/s), results hidden, so the audience view changes at the host's rate and every vote is one more Redis append.`,
          "Fan-out latency: publish stamp → the client applying the patch that holds it; includes the append (Redis script + AOF fsync, or the embedded engine's fsync), each node's fold (on other nodes after a Pub/Sub wake-up and a stream read), and the wait for the next 10 Hz sync tick (0-100 ms, by design). 'other node' is what a subscriber of node 2 sees of the host on node 1.",
          'CPU: utime+stime from /proc/<pid>/stat over the measured window, per hub process and for redis-server (all its threads), as % of one core; µs/frame divides all hubs\' CPU by the frames the clients received.',
          'Latency percentiles on this shared machine move by up to 2x between runs (other jobs fsync to the same disk, and with appendfsync always every Redis reply waits for the AOF fsync of the writes in its event-loop turn): compare the CPU columns, which are stable, and read the latencies as an order of magnitude.',
          `One 2-core machine runs Redis, every hub, the load generators and the publisher (load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end, other jobs included), so a second node here adds a process, not cores: the figures show what clustering costs and how the work splits, not the throughput of two machines.`,
          ...(one && two
            ? [
                `Two nodes vs one on Redis: hub CPU ${one.hubCpuPct.map((c) => c.toFixed(0)).join('')}% → ${two.hubCpuPct.map((c) => `${c.toFixed(0)}%`).join(' + ')}, Redis ${one.redisCpuPct?.toFixed(1)}% → ${two.redisCpuPct?.toFixed(1)}% (each extra node adds one stream reader per event, and every node folds every entry), fan-out p50 on the other node ${two.remote?.p50.toFixed(0)} ms vs ${two.local.p50.toFixed(0)} ms on the host's node.`,
              ]
            : []),
          ...(troubles.length ? [`Closes/nacks seen: ${troubles.map((f) => `${f.nodes}×${f.engine} ${JSON.stringify({ closes: f.closes, nacks: f.nacks })}`).join('; ')}.`] : []),
        ],
      },
    ];
  },
};
