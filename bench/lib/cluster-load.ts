/**
 * One clustered-hub measurement: N hub processes (`--engine redis`, or one embedded hub as the
 * baseline), an audience split evenly across them (load worker threads, real protocol clients),
 * a host on the first node posting chat stamped with its publish time at a fixed rate, the
 * audience voting. Reports delivered frames/s, fan-out latency for subscribers on the host's
 * node and on the other node, vote acks, and the CPU of every hub and of redis-server (/proc).
 */
import { beat } from './fanout';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { Histogram } from '../../src/shared/histogram';
import { BENCH_ADMIN_KEY, startChild, type Child } from './child';
import { nowMs } from './load-clients';
import { LoadPool, type MergedStats } from './load-pool';
import { CpuMeter } from './proc-stats';
import { createEventWithHost, StaffClient } from './staff-client';

export interface ClusterLoadOptions {
  /** Hub processes; `redisUrl` unset = one embedded-engine hub (the baseline). */
  nodes: number;
  redisUrl?: string;
  clients: number;
  /** Host chat messages per second. */
  rateHz: number;
  /** Each audience client changes its ballot about this often. */
  voteEveryMs: number;
  warmupS: number;
  measureS: number;
  /** Load worker threads in all (split over the nodes' pools). */
  workers: number;
  log: (line: string) => void;
}

export interface ClusterFigures {
  nodes: number;
  engine: 'redis' | 'embedded';
  connected: number;
  framesPerSec: number;
  /** Subscribers on the host's node. */
  local: { p50: number; p99: number; samples: number };
  /** Subscribers on other nodes (the entry crossed Redis to reach their node); null with one node. */
  remote: { p50: number; p99: number; samples: number } | null;
  votesPerSec: number;
  ackP50: number;
  ackP99: number;
  hubCpuPct: number[];
  redisCpuPct: number | null;
  /** Commands Redis processed per second in the window (the bench's own INFO calls left out). */
  redisOpsPerSec: number | null;
  /** The same, per command over the window (INFO commandstats deltas): xadd = entries, publish = append batches. */
  redisCommands: CommandCounts | null;
  /** The measurement window, s (longer than asked when the machine is overloaded). */
  wallS: number;
  /** Chat pubs the host sent in the window (besides the audience's votes). */
  hostPubsPerSec: number;
  /** Sync frame bytes delivered per second, all clients. */
  bytesPerSec: number;
  hubCpuUsPerFrame: number;
  nacks: Record<string, number>;
  closes: Record<string, number>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function redisInfo(url: string, section: string): Promise<string> {
  const c = createClient({ url });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await c.info(section);
  } finally {
    await c.close();
  }
}

/** redis-server's pid, from INFO (the bench did not necessarily start it). */
export async function redisPid(url: string): Promise<number> {
  return Number(/process_id:(\d+)/.exec(await redisInfo(url, 'server'))?.[1] ?? 0);
}

/** Calls per command (INFO commandstats, commands a script runs included) between two reads. */
export type CommandCounts = Record<string, number>;

export const commandTotal = (c: CommandCounts): number => Object.values(c).reduce((s, n) => s + n, 0);
/** Commands counted per `name` (lower case, as INFO spells it: evalsha, xadd, publish, ...). */
export const calls = (c: CommandCounts, name: string): number => c[name] ?? 0;

const parseCommandStats = (text: string): CommandCounts => {
  const out: CommandCounts = {};
  for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out[m[1] as string] = Number(m[2]);
  return out;
};

/**
 * Counts the commands redis-server processes (INFO commandstats) over one held connection. The
 * meter's own INFO calls are left out (no hub sends INFO), so the deltas are the hubs' commands.
 */
export async function redisCommandMeter(url: string): Promise<{ read(): Promise<CommandCounts>; close(): Promise<void> }> {
  const c = createClient({ url });
  c.on('error', () => undefined);
  await c.connect();
  const snap = async (): Promise<CommandCounts> => parseCommandStats(await c.info('commandstats'));
  const start = await snap();
  return {
    read: async () => {
      const now = await snap();
      const out: CommandCounts = {};
      for (const [k, n] of Object.entries(now)) {
        if (k === 'info') continue;
        const d = n - (start[k] ?? 0);
        if (d > 0) out[k] = d;
      }
      return out;
    },
    close: async () => {
      await c.close();
    },
  };
}

export function startHub(dataDir: string, redisUrl: string | undefined, node: string): Promise<Child> {
  const args = ['--port', '0', '--data', dataDir, '--admin-key', BENCH_ADMIN_KEY, '--join-rate', '100000', '--max-connections-per-address', '0', '--node', node];
  if (redisUrl) args.push('--engine', 'redis', '--redis', redisUrl);
  // As startHubChild: STAGECALL_BENCH_HUB_CPU_PROF=<dir> profiles every hub node (node --cpu-prof).
  const prof = process.env.STAGECALL_BENCH_HUB_CPU_PROF;
  return startChild('src/hub/cli.ts', args, /Hub ready: (http:\/\/\S+)/, {}, prof ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(prof)}`] } : {});
}


const quantiles = (h: Histogram): { p50: number; p99: number; samples: number } => ({ p50: h.quantile(0.5), p99: h.quantile(0.99), samples: h.count });

export async function measureCluster(o: ClusterLoadOptions): Promise<ClusterFigures> {
  const engine = o.redisUrl ? 'redis' : 'embedded';
  const dirs: string[] = [];
  const hubs: Child[] = [];
  const pools: LoadPool[] = [];
  let host: StaffClient | null = null;
  let stopBeat = (): void => undefined;
  try {
    for (let i = 0; i < o.nodes; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-bench-cluster-'));
      dirs.push(dir);
      hubs.push(await startHub(dir, o.redisUrl, `n${i + 1}`));
    }
    const first = hubs[0] as Child;
    const ev = await createEventWithHost(first.url, BENCH_ADMIN_KEY, 'Cluster bench');
    host = await StaffClient.connect(first.url, ev.hostToken);
    const options = ['a', 'b', 'c', 'd'];
    await host.must('poll.create', { pollId: 'p1', question: 'Which?', kind: 'single', options: options.map((id) => ({ id, label: id.toUpperCase() })) });
    await host.must('poll.open', { pollId: 'p1' });

    const t0 = performance.now();
    for (const [i, hub] of hubs.entries()) {
      const clients = Math.floor(o.clients / o.nodes) + (i < o.clients % o.nodes ? 1 : 0);
      pools.push(await LoadPool.start({ kind: 'hub', url: hub.url, code: ev.joinCode, clients, workers: Math.max(1, Math.round(o.workers / o.nodes)) }));
    }
    const connected = pools.reduce((s, p) => s + p.connected, 0);
    o.log(`${o.nodes} node(s), ${engine}: ${connected}/${o.clients} subscribers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const p of pools) await p.vote(o.voteEveryMs, 'p1', options);
    let seq = 0;
    const staff = host;
    stopBeat = beat(o.rateHz, () => {
      const n = seq++;
      void staff.pub('chat.send', { messageId: `m${n}`, text: `bench ${n} ${nowMs().toFixed(3)}` }).catch(() => undefined);
    });
    await sleep(o.warmupS * 1000);
    for (const p of pools) await p.reset();
    const hubMeters = hubs.map((h) => new CpuMeter(h.pid));
    const rPid = o.redisUrl ? await redisPid(o.redisUrl) : 0;
    const redisMeter = rPid ? new CpuMeter(rPid) : null;
    const opsMeter = o.redisUrl ? await redisCommandMeter(o.redisUrl) : null;
    const seq0 = seq;
    await sleep(o.measureS * 1000);
    const ops = opsMeter ? await opsMeter.read() : null;
    const hostPubs = seq - seq0;
    await opsMeter?.close();
    const stats: MergedStats[] = [];
    for (const p of pools) stats.push(await p.collect());
    const hubCpu = hubMeters.map((m) => m.read());
    const redisCpu = redisMeter?.read() ?? null;
    stopBeat();
    for (const p of pools) await p.vote(0, 'p1', []);

    const wallS = (hubCpu[0]?.wallMs ?? o.measureS * 1000) / 1000;
    const frames = stats.reduce((s, x) => s + x.frames, 0);
    const acks = stats.reduce((s, x) => s + x.acks, 0);
    const ack = new Histogram();
    const remote = new Histogram();
    for (const s of stats) ack.merge(s.ack);
    for (const s of stats.slice(1)) remote.merge(s.latency);
    const sum = (rs: Array<Record<string, number>>): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const r of rs) for (const [k, n] of Object.entries(r)) out[k] = (out[k] ?? 0) + n;
      return out;
    };
    const hubCpuMs = hubCpu.reduce((s, c) => s + c.cpuMs, 0);
    const fig: ClusterFigures = {
      nodes: o.nodes,
      engine,
      connected: stats.reduce((s, x) => s + x.connected, 0),
      framesPerSec: frames / wallS,
      local: quantiles((stats[0] as MergedStats).latency),
      remote: o.nodes > 1 ? quantiles(remote) : null,
      votesPerSec: acks / wallS,
      ackP50: ack.quantile(0.5),
      ackP99: ack.quantile(0.99),
      hubCpuPct: hubCpu.map((c) => (c.cpuMs / c.wallMs) * 100),
      redisCpuPct: redisCpu ? (redisCpu.cpuMs / redisCpu.wallMs) * 100 : null,
      redisOpsPerSec: ops === null ? null : commandTotal(ops) / wallS,
      redisCommands: ops,
      hostPubsPerSec: hostPubs / wallS,
      wallS,
      bytesPerSec: stats.reduce((s, x) => s + x.bytes, 0) / wallS,
      hubCpuUsPerFrame: frames ? (hubCpuMs * 1000) / frames : 0,
      nacks: sum(stats.map((s) => s.nacks)),
      closes: sum(stats.map((s) => s.closes)),
    };
    o.log(
      `${o.nodes} node(s), ${engine}: ${fig.framesPerSec.toFixed(0)} frames/s, fan-out p50/p99 ${fig.local.p50.toFixed(0)}/${fig.local.p99.toFixed(0)} ms on the host's node` +
        `${fig.remote ? `, ${fig.remote.p50.toFixed(0)}/${fig.remote.p99.toFixed(0)} ms across` : ''}; ${fig.votesPerSec.toFixed(0)} votes/s acked p50/p99 ${fig.ackP50.toFixed(0)}/${fig.ackP99.toFixed(0)} ms; ` +
        `hub CPU ${fig.hubCpuPct.map((c) => `${c.toFixed(0)}%`).join(' + ')}${fig.redisCpuPct !== null ? `, Redis ${fig.redisCpuPct.toFixed(0)}%` : ''}`,
    );
    if (ops) o.log(`Redis commands in ${wallS.toFixed(1)} s: ${Object.entries(ops).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    return fig;
  } finally {
    stopBeat();
    for (const p of pools) await p.stop();
    host?.close();
    for (const h of hubs) await h.kill();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}
