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
import { COSTS_FILE_NAME, nodeCpuUs, plan, redisOps, REDIS_TOLERANCE, type CapacityCosts } from './lib/capacity-model';
import { calls, measureCluster } from './lib/cluster-load';
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
    ['Redis commands per entry / per append batch', `${c.redisOpsPerEntry.toFixed(2)} / ${c.redisOpsPerBatch.toFixed(2)}`],
    ['append batching, votes phase (one node, no fan-out)', `${c.appendWindowMs.toFixed(2)} ms window (${c.measuredEntriesPerBatch.toFixed(2)} entries a batch at ${Math.round(c.measuredVotesPerSec)} pubs/s)`],
    ['Redis commands per tail read of a further node / read window', `${c.redisOpsPerTailRead.toFixed(2)} / ${c.tailReadWindowMs.toFixed(2)} ms`],
    ['Redis commands per node per second at rest / per further node', `${c.redisOpsPerNodeSec.toFixed(1)} / ${c.redisOpsPerNodePeerSec.toFixed(2)}`],
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

    // The check: the clustered bench's workload, predicted, then measured in this same run.
    const check = { nodes: 2, clients: ctx.quick ? 300 : 2_000, rateHz: 5, voteEveryMs: 10_000, measureS: ctx.quick ? 4 : 15 };
    const redis = await startRedis(REDIS);
    const measured = await (async () => {
      try {
        return await measureCluster({ ...check, redisUrl: redis.url, warmupS: ctx.quick ? 2 : 6, measureS: check.measureS, workers: 2, log: ctx.log });
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
    // Redis: the model's batches for the pubs accepted (votes and the host's chat), against commandstats.
    const pubsPerSec = measured.votesPerSec + measured.hostPubsPerSec;
    const wall = (n: number): number => n / measured.wallS;
    const measuredBatches = wall(calls(measured.redisCommands ?? {}, 'publish'));
    const measuredEntries = wall(calls(measured.redisCommands ?? {}, 'xadd'));
    // The check: the stored counts (per entry, per batch, per tail read, at rest) times the run's
    // entries and its measured batching; beside it, the planner's own batching estimate.
    const predictedRedis = redisOps(costs, pubsPerSec, check.nodes, measuredBatches);
    const plannedRedis = redisOps(costs, pubsPerSec, check.nodes);
    const predictedOps = predictedRedis.total;
    const measuredOps = measured.redisOpsPerSec ?? 0;
    const redisOk = Math.abs(predictedOps / measuredOps - 1) <= REDIS_TOLERANCE;
    // The planner's batching: the append window of this cluster run (sync fan-out and votes on
    // every node, the shape of an event), where a node's loop is busier than in the votes-only
    // phase and batches grow with it. The votes phase's window stays beside it for reference.
    const clusterEntriesPerBatch = measuredBatches > 0 ? measuredEntries / measuredBatches : 1;
    const perNodePubs = measuredEntries / check.nodes;
    const stored: CapacityCosts = {
      ...costs,
      votesPhaseAppendWindowMs: costs.appendWindowMs,
      appendWindowMs: perNodePubs > 0 ? Math.max(0, ((clusterEntriesPerBatch - 1) / perNodePubs) * 1000) : costs.appendWindowMs,
      measuredEntriesPerBatch: clusterEntriesPerBatch,
      measuredBatchesPerSec: measuredBatches,
      measuredBatchingAt: `${check.nodes} nodes, ${Math.round(perNodePubs)} pubs/s and ${Math.round(measured.framesPerSec / check.nodes)} sync frames/s each`,
    };
    const file = ctx.quick ? COSTS_FILE.replace(/\.json$/, '-quick.json') : COSTS_FILE;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`);
    ctx.log(`costs → ${path.relative(process.cwd(), file)}`);

    return [
      {
        title: 'Capacity planner: unit costs measured on this machine',
        columns: ['cost', 'value'],
        rows: costRows(costs),
        notes: [
          `One hub on Redis (AOF, appendfsync always), ${costs.connections.toLocaleString('en-US')} phones (real protocol clients in 2 load worker threads), in phases that each add one kind of work; each cost is the hub's CPU (/proc utime+stime) that the phase added divided by the units it added (bench/lib/capacity-costs.ts).`,
          `Frames: the host posts chat at 10/s (${Math.round(costs.measuredFramesPerSec)} frames/s delivered), the chat pubs' own cost taken out. Pubs: every phone changes its ballot (results hidden, so the audience view does not change): ${Math.round(costs.measuredVotesPerSec)} accepted pubs/s. Remote entries: a second node with one phone (a node tails an event only while someone there is connected) joins while the votes go on; its CPU less its CPU at rest, per entry.`,
          'Redis commands: INFO commandstats deltas over each window (script calls included, the bench\'s own INFO left out). Votes phase, one node: per entry = (HGET + XADD + HSET) / XADD; per batch = the rest the votes added / PUBLISH; the append window = (entries a batch − 1) / pubs per second. Remote phase: node 2\'s tail reads = XRANGE beyond node 1\'s own per batch, their commands = what the phase added beyond both nodes at rest, node 1\'s entries and batches; the read window = the larger of the coalescing seen (batches/reads) and a READ round trip timed from the bench. The CPU of redis-server from /proc.',
          `Stored in bench/results/capacity-costs.json, which \`npm run capacity\` reads. The machine: ${costs.machine}, shared with other jobs: costs here are upper bounds of what a dedicated core does.`,
        ],
      },
      {
        title: 'Capacity planner: predicted vs measured (2 nodes on one Redis)',
        columns: ['figure', 'predicted', 'measured', 'predicted / measured'],
        rows: [
          ['hub CPU % per node (for the units delivered)', Number(predictedCpu.toFixed(1)), `${measured.hubCpuPct.map((c) => c.toFixed(1)).join(' + ')}`, ratio(predictedCpu, measuredCpu)],
          ['sync payload Mbit/s (for the frames delivered)', Number(predictedPayload.toFixed(2)), Number(measuredPayload.toFixed(2)), ratio(predictedPayload, measuredPayload)],
          ['Redis commands/s (for the pubs accepted)', Math.round(predictedOps), Math.round(measuredOps), ratio(predictedOps, measuredOps)],
          ['  of which per entry / per batch / tail reads / at rest', `${Math.round(predictedRedis.perEntry)} / ${Math.round(predictedRedis.perBatch)} / ${Math.round(predictedRedis.tailReads)} / ${Math.round(predictedRedis.fixed)}`, '', ''],
          ['append batches/s (PUBLISH), from the votes phase\'s window', Math.round(plannedRedis.batchesPerSec), Math.round(measuredBatches), ratio(plannedRedis.batchesPerSec, measuredBatches)],
          ['Redis commands/s with that batching', Math.round(plannedRedis.total), Math.round(measuredOps), ratio(plannedRedis.total, measuredOps)],
          ['entries/s (XADD)', Math.round(pubsPerSec), Math.round(measuredEntries), ratio(pubsPerSec, measuredEntries)],
          ['sync frames/s (planned workload vs delivered)', Math.round(planned.framesPerSec), Math.round(measured.framesPerSec), ratio(planned.framesPerSec, measured.framesPerSec)],
          ['accepted pubs/s (planned workload vs delivered)', Math.round(nominal.votesPerSec), Math.round(delivered.votesPerSec), ratio(nominal.votesPerSec, delivered.votesPerSec)],
        ],
        notes: [
          `Workload of \`npm run bench -- cluster\`: ${measured.connected.toLocaleString('en-US')} phones split over 2 hub nodes, the host on node 1 posting ${check.rateHz} chat messages/s, each phone changing its ballot about every ${check.voteEveryMs / 1000} s; predicted from the costs above with the planner's model (bench/lib/capacity-model.ts), measured in the same run.`,
          `Check: predicted hub CPU per node within ±${CPU_TOLERANCE * 100}% of the measured mean: ${cpuOk ? 'yes' : 'NO'} (${predictedCpu.toFixed(1)}% vs ${measuredCpu.toFixed(1)}%).`,
          `Check: predicted Redis commands/s within ±${REDIS_TOLERANCE * 100}% of INFO commandstats over the window: ${redisOk ? 'yes' : 'NO'} (${Math.round(predictedOps)} vs ${Math.round(measuredOps)}). Predicted: per entry × entries/s (the pubs accepted) + per batch × batches/s (this run's batching, ${predictedRedis.entriesPerBatch.toFixed(2)} entries a batch) + each further node's tail reads (one per batch, coalesced within the read window) + each node's rest; tests/capacity/capacity-plan.test.ts runs the same check on a smaller cluster. The planner estimates the batching as 1 + pubs/s per node × the append window (at most 1/window batches a second per node: the append loop's cadence). From the votes phase's window (one node, no fan-out) that is ${plannedRedis.entriesPerBatch.toFixed(2)} entries a batch here, while this run batched ${clusterEntriesPerBatch.toFixed(2)}: the sync fan-out keeps each node's loop busy, and pubs arriving meanwhile join one batch. So bench/results/capacity-costs.json stores this run's window (${stored.appendWindowMs.toFixed(1)} ms), the batching of an event's shape, for \`npm run capacity\`.`,
          'The first three rows check the model: the costs times the units this run delivered (frames, accepted pubs, connections). The last two compare the planned workload with what the load generators delivered: jittered chat sometimes lands two messages in one sync tick (fewer frames than planned), and on this shared 2-core machine the load generators fall behind when other jobs run (then latencies grow and fewer frames and votes arrive).',
        ],
      },
    ];
  },
};
