/**
 * Measures the unit costs the capacity planner multiplies (docs/capacity.md): one hub on Redis
 * with an audience, in phases that each add one kind of work, so each cost is the CPU the
 * phase added divided by the units it added:
 *   base   the hub with no audience            → hub CPU and RSS at rest
 *   idle   N connected phones, nothing happens → CPU per connection-second
 *   fanout the host posts chat at 10/s         → CPU per delivered sync frame, bytes per frame,
 *                                                RSS per connection (after sending, buffers grown)
 *   votes  the phones change ballots (hidden)  → CPU, Redis ops and Redis CPU per accepted pub
 *   remote a second node, no clients, joins     → its CPU per entry another node appended, and
 *          while the votes go on                 the Redis commands of its tail reads
 * Redis commands come from INFO commandstats deltas (script calls included): XADD counts the
 * entries, PUBLISH the append batches, XRANGE the tail reads (src/hub/engine/redis/scripts.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_ADMIN_KEY, type Child } from './child';
import { createClient } from 'redis';
import { KeySpace } from '../../src/hub/engine/redis/keys';
import { READ } from '../../src/hub/engine/redis/scripts';
import { calls, commandTotal, redisCommandMeter, redisPid, startHub, type CommandCounts } from './cluster-load';
import { beat } from './fanout';
import { nowMs } from './load-clients';
import { LoadPool, type MergedStats } from './load-pool';
import { CpuMeter, rssKB } from './proc-stats';
import { machineLine } from './report';
import { createEventWithHost, StaffClient } from './staff-client';
import type { CapacityCosts } from './capacity-model';

export interface CostOptions {
  redisUrl: string;
  clients: number;
  /** Each phone changes its ballot about this often in the votes phases. */
  voteEveryMs: number;
  phaseS: number;
  quick: boolean;
  log: (line: string) => void;
}

interface Window {
  hub: number;
  other: number;
  redis: number;
  ops: CommandCounts;
  wallS: number;
  stats: MergedStats;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A vote as the phones send it: the bytes one accepted pub brings in. */
const SAMPLE_PUB = JSON.stringify({ t: 'pub', id: 'v123', name: 'vote.cast', data: { pollId: 'p1', optionIds: ['a'] } });

export async function measureCosts(o: CostOptions): Promise<CapacityCosts> {
  const dirs: string[] = [];
  const hubs: Child[] = [];
  let pool: LoadPool | null = null;
  let watcher: LoadPool | null = null;
  let host: StaffClient | null = null;
  let stopChat = (): void => undefined;
  const hubDir = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-bench-capacity-'));
    dirs.push(d);
    return d;
  };
  try {
    const hub = await startHub(hubDir(), o.redisUrl, 'n1');
    hubs.push(hub);
    const ev = await createEventWithHost(hub.url, BENCH_ADMIN_KEY, 'Capacity bench');
    host = await StaffClient.connect(hub.url, ev.hostToken);
    const options = ['a', 'b', 'c', 'd'];
    await host.must('poll.create', { pollId: 'p1', question: 'Which?', kind: 'single', options: options.map((id) => ({ id, label: id.toUpperCase() })) });
    await host.must('poll.open', { pollId: 'p1' });
    const rPid = await redisPid(o.redisUrl);
    let other: Child | null = null;

    const measure = async (seconds: number): Promise<Window> => {
      await pool?.reset();
      const meters = { hub: new CpuMeter(hub.pid), other: other ? new CpuMeter(other.pid) : null, redis: new CpuMeter(rPid) };
      const opsMeter = await redisCommandMeter(o.redisUrl);
      await sleep(seconds * 1000);
      const ops = await opsMeter.read();
      await opsMeter.close();
      const h = meters.hub.read();
      const stats = pool ? await pool.collect() : ({ connected: 0, frames: 0, bytes: 0, otherFrames: 0, otherBytes: 0, acks: 0 } as MergedStats);
      return { hub: h.cpuMs, other: meters.other?.read().cpuMs ?? 0, redis: meters.redis.read().cpuMs, ops, wallS: h.wallMs / 1000, stats };
    };
    /** CPU µs per second of wall time. */
    const rate = (cpuMs: number, w: Window): number => (cpuMs * 1000) / w.wallS;

    await sleep(2_000);
    const base = await measure(o.phaseS / 2);
    const rssBase = rssKB(hub.pid);
    o.log(`base: hub ${(rate(base.hub, base) / 1e4).toFixed(1)}% of a core, RSS ${(rssBase / 1024).toFixed(0)} MB`);

    pool = await LoadPool.start({ kind: 'hub', url: hub.url, code: ev.joinCode, clients: o.clients, workers: 2 });
    const n = pool.connected;
    await sleep(2_000);
    const idle = await measure(o.phaseS);
    const rssIdle = rssKB(hub.pid);
    o.log(`idle: ${n} phones, hub ${(rate(idle.hub, idle) / 1e4).toFixed(1)}%, RSS ${(rssIdle / 1024).toFixed(0)} MB`);

    let seq = 0;
    const staff = host;
    stopChat = beat(10, () => {
      const k = seq++;
      void staff.pub('chat.send', { messageId: `m${k}`, text: `bench ${k} ${nowMs().toFixed(3)}` }).catch(() => undefined);
    });
    await sleep(2_000);
    const seq0 = seq;
    const fan = await measure(o.phaseS);
    const chatPubs = seq - seq0;
    stopChat();
    const rssLoaded = Math.max(rssIdle, rssKB(hub.pid));
    o.log(`fanout: ${(fan.stats.frames / fan.wallS).toFixed(0)} frames/s, hub ${(rate(fan.hub, fan) / 1e4).toFixed(1)}%`);

    await pool.vote(o.voteEveryMs, 'p1', options);
    await sleep(3_000);
    const votes = await measure(o.phaseS);
    o.log(`votes commands: ${Object.entries(votes.ops).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    o.log(`votes: ${(votes.stats.acks / votes.wallS).toFixed(0)} acked/s, hub ${(rate(votes.hub, votes) / 1e4).toFixed(1)}%, Redis ${commandTotal(votes.ops)} commands, ${calls(votes.ops, 'xadd')} entries in ${calls(votes.ops, 'publish')} batches`);

    other = await startHub(hubDir(), o.redisUrl, 'n2');
    hubs.push(other);
    // A node opens an event (and tails its log) only while someone there is connected to it.
    watcher = await LoadPool.start({ kind: 'hub', url: other.url, code: ev.joinCode, clients: 1, workers: 1 });
    await sleep(3_000);
    const remote = await measure(o.phaseS);
    o.log(`remote commands: ${Object.entries(remote.ops).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    o.log(`remote: node 2 ${(rate(remote.other, remote) / 1e4).toFixed(1)}% for ${(remote.stats.acks / remote.wallS).toFixed(0)} entries/s, Redis ${commandTotal(remote.ops)} commands, ${calls(remote.ops, 'xrange')} stream reads`);
    const readRttMs = await readRoundTripMs(o.redisUrl, ev.eventId);
    await pool.vote(0, 'p1', []);

    const idleUs = rate(idle.hub, idle);
    const pubUs = (rate(votes.hub, votes) - idleUs) / Math.max(1, votes.stats.acks / votes.wallS);
    // Node 2 at rest (votes stopped): its own fixed cost, to take out of the remote figure.
    await sleep(2_000);
    const otherBase = await measure(o.phaseS / 2);
    const votesPerS = votes.stats.acks / votes.wallS;
    const remotePerS = remote.stats.acks / remote.wallS;
    // Redis commands (INFO commandstats deltas). Votes phase, one node: per entry the APPEND script's
    // HGET, XADD and HSET; everything else the votes added is per batch (one PUBLISH each).
    const perSec = (w: Window): number => commandTotal(w.ops) / w.wallS;
    const fixed = perSec(idle);
    const entries = Math.max(1, calls(votes.ops, 'xadd'));
    const batches = Math.max(1, calls(votes.ops, 'publish'));
    const perEntry = (calls(votes.ops, 'hget') + calls(votes.ops, 'hset') + calls(votes.ops, 'xadd')) / entries;
    const perBatch = (commandTotal(votes.ops) - fixed * votes.wallS - perEntry * entries) / batches;
    const entriesPerBatch = entries / batches;
    const appendWindowMs = Math.max(0, ((entriesPerBatch - 1) / (entries / votes.wallS)) * 1000);
    // Two nodes at rest: what a further node adds to each node's rest (presence reads).
    const peer = Math.max(0, (perSec(otherBase) - 2 * fixed) / 2);
    // Remote phase: node 2's tail reads are the XRANGEs beyond node 1's own per batch.
    const rBatches = Math.max(1, calls(remote.ops, 'publish'));
    const rEntries = calls(remote.ops, 'xadd');
    const reads2 = Math.max(1, calls(remote.ops, 'xrange') - (calls(votes.ops, 'xrange') / batches) * rBatches);
    const extra = commandTotal(remote.ops) - perSec(otherBase) * remote.wallS - perEntry * rEntries - perBatch * rBatches;
    const bps = rBatches / remote.wallS;
    const fitReadWindowMs = Math.max(0, (bps / (reads2 / remote.wallS) - 1) / bps) * 1000;
    o.log(`Redis: ${perEntry.toFixed(2)}/entry, ${perBatch.toFixed(2)}/batch (${entriesPerBatch.toFixed(2)} entries a batch), ${(extra / reads2).toFixed(2)}/tail read (${reads2} reads for ${rBatches} batches), read RTT ${readRttMs.toFixed(2)} ms`);
    return {
      measuredAt: new Date().toISOString(),
      machine: machineLine(),
      quick: o.quick,
      connections: n,
      hubBaseUsPerSec: rate(base.hub, base),
      usPerConnSec: Math.max(0, (idleUs - rate(base.hub, base)) / Math.max(1, n)),
      usPerFrame: (rate(fan.hub, fan) - idleUs - (chatPubs / fan.wallS) * pubUs) / Math.max(1, fan.stats.frames / fan.wallS),
      usPerPub: pubUs,
      usPerRemoteEntry: Math.max(0, rate(remote.other, remote) - rate(otherBase.other, otherBase)) / Math.max(1, remotePerS),
      rssBaseMB: rssBase / 1024,
      rssKBPerConn: Math.max(0, (rssLoaded - rssBase) / Math.max(1, n)),
      bytesPerFrame: fan.stats.frames ? fan.stats.bytes / fan.stats.frames : 0,
      bytesPerPubIn: SAMPLE_PUB.length,
      bytesPerPubOut: votes.stats.acks ? (votes.stats.otherBytes - (idle.stats.otherBytes / idle.wallS) * votes.wallS) / votes.stats.acks : 0,
      redisOpsPerNodeSec: fixed,
      redisOpsPerNodePeerSec: peer,
      redisOpsPerEntry: perEntry,
      redisOpsPerBatch: perBatch,
      redisOpsPerTailRead: Math.max(0, extra / reads2),
      appendWindowMs,
      // Wake-ups coalesce while a read is in flight: at least the read's round trip.
      tailReadWindowMs: Math.max(fitReadWindowMs, readRttMs),
      measuredEntriesPerBatch: entriesPerBatch,
      measuredBatchesPerSec: batches / votes.wallS,
      redisUsPerPub: (rate(votes.redis, votes) - rate(idle.redis, idle)) / Math.max(1, votesPerS),
      measuredVotesPerSec: votesPerS,
      measuredFramesPerSec: fan.stats.frames / fan.wallS,
    };
  } finally {
    stopChat();
    await pool?.stop();
    await watcher?.stop();
    host?.close();
    for (const h of hubs) await h.kill();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** Median round trip of the READ script a tail runs (200 in a row, while the votes go on), ms: the median, as this process's own stalls on a busy machine are not Redis's. */
async function readRoundTripMs(url: string, eventId: string): Promise<number> {
  const c = createClient({ url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    const k = new KeySpace().event(eventId);
    const keys = [k.meta, k.epoch, k.log, k.committed, k.seq];
    const seq = Number(await c.get(k.seq)) || 1;
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t0 = performance.now();
      await c.evalSha(READ.sha, { keys, arguments: [String(Math.max(1, seq - 2)), '1000'] });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return times[times.length >> 1] ?? 0;
  } finally {
    await c.close();
  }
}
