/**
 * Issue 17, build 4: the capacity planner. The model multiplies measured unit costs by a workload
 * (bench/lib/capacity-model.ts); `npm run capacity` prints the plan from the costs file the
 * capacity bench stores, and refuses bad input by name. The Redis model is checked against a
 * real cluster here (2 hub nodes on a real redis-server, INFO commandstats over the window) within
 * ±REDIS_TOLERANCE (25%), from the counts `npm run bench -- capacity` stored; the CPU model is
 * checked by that bench (predicted vs measured in one run).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { COSTS_FILE_NAME, nodeCpuUs, plan, redisOps, REDIS_TOLERANCE, type CapacityCosts } from '../../bench/lib/capacity-model';
import { calls, measureCluster } from '../../bench/lib/cluster-load';
import { hasRedis, redisSkipReason, startRedis } from '../helpers/redis-server';
import { ROOT, tempDir } from '../helpers/hub-process';

const run = promisify(execFile);

/** Round figures so that the expected plans can be worked out by hand. */
const COSTS: CapacityCosts = {
  measuredAt: '2026-12-02T00:00:00.000Z',
  machine: 'test machine',
  quick: false,
  connections: 1000,
  hubBaseUsPerSec: 10_000, // 1% of a core
  usPerConnSec: 10,
  usPerFrame: 10,
  usPerPub: 100,
  usPerRemoteEntry: 20,
  rssBaseMB: 100,
  rssKBPerConn: 20,
  bytesPerFrame: 200,
  bytesPerPubIn: 80,
  bytesPerPubOut: 150,
  redisOpsPerNodeSec: 10,
  redisOpsPerNodePeerSec: 1,
  redisOpsPerEntry: 3,
  redisOpsPerBatch: 9,
  redisOpsPerTailRead: 5,
  appendWindowMs: 1, // 1 + 1,000 pubs/s · 1 ms = 2 entries a batch on a node taking 1,000 pubs/s
  tailReadWindowMs: 0.5,
  measuredEntriesPerBatch: 6,
  measuredBatchesPerSec: 833,
  redisUsPerPub: 50,
  measuredVotesPerSec: 5000,
  measuredFramesPerSec: 10_000,
};

async function capacity(args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench/capacity-cli.ts'), ...args], { cwd: ROOT });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

describe('capacity model', () => {
  it('sizes the cluster so that no node passes the CPU target, with the fewest nodes', () => {
    // 10,000 phones at 10 Hz, no votes: 1% + 10,000·(10 + 10·10) µs/s = 111% of a core on one node.
    const w = { audience: 10_000, syncHz: 10, votesPerSec: 0 };
    const p = plan(COSTS, w);
    expect(p.nodes).toBe(2); // 1% + 5,000·110 µs = 56% ≤ 70%
    expect(p.cpuPerNode).toBeCloseTo(0.56, 5);
    expect(nodeCpuUs(COSTS, w, 1) / 1e6).toBeGreaterThan(0.7);
    expect(p.framesPerSec).toBe(100_000);
    expect(p.rssPerNodeMB).toBeCloseTo(100 + (5000 * 20) / 1024, 5);
    // 100,000 frames/s of 200 B payload + 78 B overhead.
    expect(p.egressMbps).toBeCloseTo((100_000 * 278 * 8) / 1e6, 5);
    expect(p.redisOpsPerSec).toBe(2 * (10 + 1)); // at rest: each node 10/s, plus 1/s for the other node
    expect(p.redisBatchesPerSec).toBe(0);
  });

  it('charges every node for every entry: votes add a floor that more nodes do not lower', () => {
    const w = { audience: 1_000, syncHz: 10, votesPerSec: 5_000 };
    const p = plan(COSTS, w);
    expect(p.nodes).not.toBeNull();
    // Each further node still folds all 5,000 entries/s (20 µs each = 10% of a core).
    expect(nodeCpuUs(COSTS, w, 50) / 1e6).toBeGreaterThan(0.01 + 0.1 * (49 / 50));
    const n = p.nodes ?? 1;
    const perBatch = 1 + (5_000 / n) * 0.001;
    const batches = 5_000 / perBatch;
    const reads = batches / (1 + batches * 0.0005);
    expect(p.redisOpsPerSec).toBeCloseTo(5_000 * 3 + batches * 9 + (n - 1) * reads * 5 + n * (10 + (n - 1)), 6);
    // 40,000 entries/s would cost every node 80% of a core before it serves anyone.
    const over = plan(COSTS, { audience: 1_000, syncHz: 10, votesPerSec: 40_000 });
    expect(over.nodes).toBeNull();
    expect(over.warnings.join(' ')).toMatch(/every node folds every entry/);
  });

  it('Redis: commands per entry, per append batch and per tail read; batches grow with the rate per node, and reads coalesce', () => {
    // One node taking 1,000 pubs/s: batches of 2 (1 + 1,000 · 1 ms), 500 a second.
    const one = redisOps(COSTS, 1_000, 1);
    expect(one.entriesPerBatch).toBeCloseTo(2, 9);
    expect(one.batchesPerSec).toBeCloseTo(500, 9);
    expect(one.total).toBeCloseTo(1_000 * 3 + 500 * 9 + 10, 9);
    // The append loop's cadence bounds the batches: at 1,000,000 pubs/s one node still flushes < 1,000 a second.
    expect(redisOps(COSTS, 1_000_000, 1).batchesPerSec).toBeLessThan(1_000);
    // Two nodes, 500 pubs/s each: batches of 1.5, 667/s in all; the other node reads after each
    // (667 / (1 + 667 · 0.5 ms) = 500 reads/s, since wake-ups during a read share the next).
    const two = redisOps(COSTS, 1_000, 2);
    expect(two.batchesPerSec).toBeCloseTo(1_000 / 1.5, 9);
    expect(two.tailReadsPerNode).toBeCloseTo(two.batchesPerSec / (1 + two.batchesPerSec * 0.0005), 9);
    expect(two.total).toBeCloseTo(3_000 + two.batchesPerSec * 9 + two.tailReadsPerNode * 5 + 2 * 11, 9);
    // Per pub, Redis work falls as batches grow: the old per-pub figure overstated it.
    expect(redisOps(COSTS, 10_000, 1).total / 10_000).toBeLessThan(one.total / 1_000);
  });

  it('adds nodes for memory when RSS, not CPU, is the limit', () => {
    const fat = { ...COSTS, rssKBPerConn: 200, usPerFrame: 0, usPerConnSec: 0 };
    const p = plan(fat, { audience: 20_000, syncHz: 10, votesPerSec: 0 }, { targetCpu: 0.7, maxRssMB: 1024 });
    expect(p.limitedBy).toBe('memory');
    expect(p.rssPerNodeMB).toBeLessThanOrEqual(1024);
    expect(p.nodes).toBe(5); // 100 MB + 4,000·200 KB = 881 MB; 4 nodes would need 1,077 MB
  });
});

describe('npm run capacity', () => {
  it('prints nodes, cores, memory, Redis operations and bandwidth from the costs file', async () => {
    const dir = tempDir('capacity');
    const file = path.join(dir, 'costs.json');
    fs.writeFileSync(file, JSON.stringify(COSTS));
    const r = await capacity(['--audience', '10000', '--sync-hz', '10', '--votes-per-s', '0', '--costs', file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/hub nodes\s+2\b/);
    expect(r.out).toMatch(/cores\s+3\b/);
    expect(r.out).toMatch(/memory\s+\d+ MB/);
    expect(r.out).toMatch(/Redis\s+22 operations\/s/);
    expect(r.out).toMatch(/network\s+222 Mbit\/s out/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a missing audience, a bad rate and a missing costs file by name', async () => {
    const none = await capacity(['--sync-hz', '10']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--audience must be a number of attendees/);
    const bad = await capacity(['--audience', '100', '--sync-hz', 'fast']);
    expect(bad.err).toMatch(/--sync-hz must be a number, got "fast"/);
    const missing = await capacity(['--audience', '100', '--costs', '/nonexistent/costs.json']);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/run `npm run bench -- capacity` first/);
  });
});

describe.skipIf(!hasRedis)('capacity check: the Redis model against a measured cluster', () => {
  it(`predicts the Redis commands/s of 2 hub nodes under votes and chat within ±${REDIS_TOLERANCE * 100}% of INFO commandstats`, async () => {
    // The counts npm run bench -- capacity measured and stored (per entry, per batch, per tail read, at rest, the windows).
    const costs = JSON.parse(fs.readFileSync(path.join(ROOT, 'bench/results', COSTS_FILE_NAME), 'utf8')) as CapacityCosts;
    const redis = await startRedis({ appendonly: true, appendfsync: 'always' });
    try {
      // 200 phones over 2 nodes, each changing its ballot about every 4 s (~50/s), the host on node 1 chatting 5/s.
      const m = await measureCluster({ nodes: 2, redisUrl: redis.url, clients: 200, rateHz: 5, voteEveryMs: 4_000, warmupS: 3, measureS: 8, workers: 2, log: () => undefined });
      const measured = m.redisOpsPerSec ?? 0;
      const commands = m.redisCommands ?? {};
      expect(m.connected).toBe(200);
      expect(calls(commands, 'xadd')).toBeGreaterThan(200); // the workload ran: entries were appended in the window
      // The stored counts times this run's entries and its measured batching (PUBLISH: one per batch).
      const predicted = redisOps(costs, m.votesPerSec + m.hostPubsPerSec, 2, calls(commands, 'publish') / m.wallS).total;
      const detail = `predicted ${predicted.toFixed(0)}/s, measured ${measured.toFixed(0)}/s: ${JSON.stringify(commands)}`;
      console.log(`capacity check: ${(predicted / measured).toFixed(2)}x, ${detail}`);
      expect(Math.abs(predicted / measured - 1), detail).toBeLessThanOrEqual(REDIS_TOLERANCE);
    } finally {
      await redis.stop();
    }
  });
});

if (!hasRedis) console.warn(`tests/capacity/capacity-plan.test.ts: ${redisSkipReason}`);
