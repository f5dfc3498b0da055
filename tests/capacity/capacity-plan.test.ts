/**
 * Issue 17, build 4: the capacity planner. The model multiplies measured unit costs by a workload
 * (bench/lib/capacity-model.ts); `npm run capacity` prints the plan from the costs file the
 * capacity bench stores, and refuses bad input by name. Whether the model predicts what a real
 * cluster does is checked by `npm run bench -- capacity` (predicted vs measured in one run).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { nodeCpuUs, plan, type CapacityCosts } from '../../bench/lib/capacity-model';
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
  redisOpsPerPub: 4,
  redisOpsPerRemoteEntry: 1,
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
    expect(p.redisOpsPerSec).toBe(20);
  });

  it('charges every node for every entry: votes add a floor that more nodes do not lower', () => {
    const w = { audience: 1_000, syncHz: 10, votesPerSec: 5_000 };
    const p = plan(COSTS, w);
    expect(p.nodes).not.toBeNull();
    // Each further node still folds all 5,000 entries/s (20 µs each = 10% of a core).
    expect(nodeCpuUs(COSTS, w, 50) / 1e6).toBeGreaterThan(0.01 + 0.1 * (49 / 50));
    expect(p.redisOpsPerSec).toBe((p.nodes ?? 0) * 10 + 5_000 * 4 + 5_000 * ((p.nodes ?? 1) - 1));
    // 40,000 entries/s would cost every node 80% of a core before it serves anyone.
    const over = plan(COSTS, { audience: 1_000, syncHz: 10, votesPerSec: 40_000 });
    expect(over.nodes).toBeNull();
    expect(over.warnings.join(' ')).toMatch(/every node folds every entry/);
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
    expect(r.out).toMatch(/Redis\s+20 operations\/s/);
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
