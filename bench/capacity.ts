/**
 * `npm run bench -- capacity`: measures the unit costs the capacity planner multiplies
 * (bench/lib/capacity-costs.ts), stores them in bench/results/capacity-costs.json for
 * `npm run capacity`, then checks the model: it predicts the clustered bench's workload
 * (2 nodes, 2,000 phones) and the same run measures it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hasRedis, redisSkipReason, startRedis } from '../tests/helpers/redis-server';
import { measureCosts } from './lib/capacity-costs';
import { COSTS_FILE_NAME, nodeCpuUs, plan, type CapacityCosts } from './lib/capacity-model';
import { measureCluster } from './lib/cluster-load';
import type { BenchModule, BenchTable } from './lib/report';

const COSTS_FILE = path.join(__dirname, 'results', COSTS_FILE_NAME);
/** How far the predicted per-node CPU may be from the measured one and still count as a match. */
export const CPU_TOLERANCE = 0.3;

const REDIS = { appendonly: true, appendfsync: 'always' } as const;

function costRows(c: CapacityCosts): BenchTable['rows'] {
  return [
    ['hub at rest', `${(c.hubBaseUsPerSec / 1e4).toFixed(2)}% of a core`],
    ['per connected idle phone', `${c.usPerConnSec.toFixed(2)} µs CPU per second`],
    ['per delivered sync frame', `${c.usPerFrame.toFixed(2)} µs CPU`],
    ['per accepted pub (node that took it)', `${c.usPerPub.toFixed(1)} µs CPU`],
    ['per entry another node appended', `${c.usPerRemoteEntry.toFixed(1)} µs CPU`],
    ['RSS at rest / per connection', `${c.rssBaseMB.toFixed(0)} MB / ${c.rssKBPerConn.toFixed(1)} KB`],
    ['sync frame payload', `${c.bytesPerFrame.toFixed(0)} B`],
    ['pub in / ack + self out', `${c.bytesPerPubIn} B / ${c.bytesPerPubOut.toFixed(0)} B`],
    ['Redis ops per accepted pub / per further node per entry', `${c.redisOpsPerPub.toFixed(2)} / ${c.redisOpsPerRemoteEntry.toFixed(2)}`],
    ['Redis ops per node per second at rest', c.redisOpsPerNodeSec.toFixed(1)],
    ['Redis CPU per accepted pub', `${c.redisUsPerPub.toFixed(1)} µs`],
  ];
}

export const bench: BenchModule = {
  describe: 'capacity planner inputs: CPU per frame, per pub, per connection, RSS, bytes, Redis ops; then predicted vs measured on the cluster workload',
  async run(ctx) {
    if (!hasRedis) return [{ title: 'Capacity planner costs', columns: ['cost', 'value'], rows: [['all', 'skipped']], notes: [redisSkipReason] }];
    const clients = ctx.quick ? 300 : 1_000;
    let costs: CapacityCosts;
    {
      const redis = await startRedis(REDIS);
      try {
        costs = await measureCosts({ redisUrl: redis.url, clients, voteEveryMs: ctx.quick ? 1_000 : 2_000, phaseS: ctx.quick ? 4 : 10, quick: ctx.quick, log: ctx.log });
      } finally {
        await redis.stop();
      }
    }
    const file = ctx.quick ? COSTS_FILE.replace(/\.json$/, '-quick.json') : COSTS_FILE;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(costs, null, 2)}\n`);
    ctx.log(`costs → ${path.relative(process.cwd(), file)}`);

    // The check: the clustered bench's workload, predicted, then measured in this same run.
    const check = { nodes: 2, clients: ctx.quick ? 300 : 2_000, rateHz: 5, voteEveryMs: 10_000 };
    const redis = await startRedis(REDIS);
    const measured = await (async () => {
      try {
        return await measureCluster({ ...check, redisUrl: redis.url, warmupS: ctx.quick ? 2 : 6, measureS: ctx.quick ? 4 : 15, workers: 2, log: ctx.log });
      } finally {
        await redis.stop();
      }
    })();
    // The nominal workload, and the one the load generators delivered: on a shared 2-core machine
    // they can fall behind, so the CPU check multiplies the costs by the units actually delivered.
    const nominal = { audience: check.clients, syncHz: 10, viewChangesPerSec: check.rateHz, votesPerSec: (check.clients * 1000) / check.voteEveryMs + check.rateHz };
    const delivered = { audience: measured.connected, syncHz: 10, viewChangesPerSec: measured.framesPerSec / Math.max(1, measured.connected), votesPerSec: measured.votesPerSec + check.rateHz };
    const predictedCpu = nodeCpuUs(costs, delivered, check.nodes) / 1e4;
    const planned = plan(costs, nominal);
    const measuredCpu = measured.hubCpuPct.reduce((s, x) => s + x, 0) / measured.hubCpuPct.length;
    const ratio = (p: number, m: number): string => (m > 0 ? `${(p / m).toFixed(2)}x` : '-');
    const cpuOk = Math.abs(predictedCpu / measuredCpu - 1) <= CPU_TOLERANCE;
    const predictedPayload = (measured.framesPerSec * costs.bytesPerFrame * 8) / 1e6;
    const measuredPayload = (measured.bytesPerSec * 8) / 1e6;
    const predictedOps = check.nodes * costs.redisOpsPerNodeSec + delivered.votesPerSec * (costs.redisOpsPerPub + (check.nodes - 1) * costs.redisOpsPerRemoteEntry);
    return [
      {
        title: 'Capacity planner: unit costs measured on this machine',
        columns: ['cost', 'value'],
        rows: costRows(costs),
        notes: [
          `One hub on Redis (AOF, appendfsync always), ${costs.connections.toLocaleString('en-US')} phones (real protocol clients in 2 load worker threads), in phases that each add one kind of work; each cost is the hub's CPU (/proc utime+stime) that the phase added divided by the units it added (bench/lib/capacity-costs.ts).`,
          `Frames: the host posts chat at 10/s (${Math.round(costs.measuredFramesPerSec)} frames/s delivered), the chat pubs' own cost taken out. Pubs: every phone changes its ballot (results hidden, so the audience view does not change): ${Math.round(costs.measuredVotesPerSec)} accepted pubs/s. Remote entries: a second node with no clients joins while the votes go on; its CPU less its CPU at rest, per entry.`,
          'Redis ops: INFO total_commands_processed over the window (the bench\'s own INFO calls left out), per accepted pub and per node at rest; the CPU of redis-server from /proc.',
          `Stored in bench/results/capacity-costs.json, which \`npm run capacity\` reads. The machine: ${costs.machine}, shared with other jobs: costs here are upper bounds of what a dedicated core does.`,
        ],
      },
      {
        title: 'Capacity planner: predicted vs measured (2 nodes on one Redis)',
        columns: ['figure', 'predicted', 'measured', 'predicted / measured'],
        rows: [
          ['hub CPU % per node (for the units delivered)', Number(predictedCpu.toFixed(1)), `${measured.hubCpuPct.map((c) => c.toFixed(1)).join(' + ')}`, ratio(predictedCpu, measuredCpu)],
          ['sync payload Mbit/s (for the frames delivered)', Number(predictedPayload.toFixed(2)), Number(measuredPayload.toFixed(2)), ratio(predictedPayload, measuredPayload)],
          ['Redis ops/s (for the pubs accepted)', Math.round(predictedOps), Math.round(measured.redisOpsPerSec ?? 0), ratio(predictedOps, measured.redisOpsPerSec ?? 0)],
          ['sync frames/s (planned workload vs delivered)', Math.round(planned.framesPerSec), Math.round(measured.framesPerSec), ratio(planned.framesPerSec, measured.framesPerSec)],
          ['accepted pubs/s (planned workload vs delivered)', Math.round(nominal.votesPerSec), Math.round(delivered.votesPerSec), ratio(nominal.votesPerSec, delivered.votesPerSec)],
        ],
        notes: [
          `Workload of \`npm run bench -- cluster\`: ${measured.connected.toLocaleString('en-US')} phones split over 2 hub nodes, the host on node 1 posting ${check.rateHz} chat messages/s, each phone changing its ballot about every ${check.voteEveryMs / 1000} s; predicted from the costs above with the planner's model (bench/lib/capacity-model.ts), measured in the same run.`,
          `Check: predicted hub CPU per node within ±${CPU_TOLERANCE * 100}% of the measured mean: ${cpuOk ? 'yes' : 'NO'} (${predictedCpu.toFixed(1)}% vs ${measuredCpu.toFixed(1)}%).`,
          'The first three rows check the model: the costs times the units this run delivered (frames, accepted pubs, connections). The last two compare the planned workload with what the load generators delivered: jittered chat sometimes lands two messages in one sync tick (fewer frames than planned), and on this shared 2-core machine the load generators fall behind when other jobs run (then latencies grow and fewer frames and votes arrive).',
        ],
      },
    ];
  },
};
