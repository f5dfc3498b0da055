/**
 * One fan-out measurement: a server in its own process, N subscribers in load worker threads,
 * one publisher sending small JSON frames at a fixed rate. Reports delivered frames/s,
 * publish-to-receipt latency, and the server process's CPU per delivered frame (from /proc).
 *
 * Kinds: `hub` (the real hub; the host publishes chat, subscribers hold the audience view),
 * `ws` (bare ws relay, ws.send per socket), `ws-prebuilt` (bare relay writing one pre-built
 * frame to every socket), `sio` (Socket.IO broadcast).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { BENCH_ADMIN_KEY, startChild, startHubChild, type Child } from './child';
import { nowMs } from './load-clients';
import { LoadPool, type MergedStats } from './load-pool';
import { CpuMeter, rssKB } from './proc-stats';
import { createEventWithHost, StaffClient } from './staff-client';

export type ServerKind = 'hub' | 'ws' | 'ws-prebuilt' | 'sio';

export interface FanoutOptions {
  kind: ServerKind;
  clients: number;
  /** Publisher messages per second. */
  rateHz: number;
  /** ws/sio: pad each message to about this many bytes (match the hub's frames). */
  frameBytes?: number;
  warmupS: number;
  measureS: number;
  workers: number;
  /** hub only: each subscriber votes every this many ms (0: no votes). */
  voteEveryMs?: number;
  /** hub only: run another checkout's built hub (an A/B in the same run). */
  hubRoot?: string;
  log: (line: string) => void;
}

export interface FanoutFigures {
  kind: ServerKind;
  clients: number;
  connected: number;
  framesPerSec: number;
  avgFrameBytes: number;
  latencyP50: number;
  latencyP99: number;
  latencySamples: number;
  ackP50: number;
  ackP99: number;
  acks: number;
  serverCpuMs: number;
  measuredS: number;
  cpuUsPerFrame: number;
  serverCpuPct: number;
  /** The benchmark process (load worker threads + publisher), per delivered frame. */
  loadCpuUsPerFrame: number;
  loadCpuPct: number;
  rssIdleMB: number;
  rssLoadedMB: number;
  rssPerConnKB: number;
  nacks: Record<string, number>;
  closes: Record<string, number>;
  /** hub only: sync frames the hub wrote per second over the window (its /metrics), to set against `framesPerSec` received. */
  serverFramesPerSec?: number;
}

/** The hub's count of sync frames written (`stagecall_frames_out_total{kind="sync"}`). */
async function hubSyncFramesOut(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^stagecall_frames_out_total\{kind="sync"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Publisher {
  start(): void;
  stop(): void;
}

const padTo = (bytes: number, base: number): string => 'x'.repeat(Math.max(0, bytes - base));

/**
 * Calls `fn` `rateHz` times a second on average, each gap 0.5-1.5 periods: a fixed-rate timer
 * would phase-lock with the hub's sync tick and always wait the same part of it.
 */
export function beat(rateHz: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | null = null;
  const next = (): void => {
    timer = setTimeout(() => {
      fn();
      next();
    }, (1000 / rateHz) * (0.5 + Math.random()));
  };
  next();
  return () => {
    if (timer) clearTimeout(timer);
  };
}

async function hubPublisher(host: StaffClient, rateHz: number): Promise<Publisher> {
  let stop = (): void => undefined;
  let flips: NodeJS.Timeout | null = null;
  let seq = 0;
  let open = false;
  return {
    start() {
      stop = beat(rateHz, () => {
        const n = seq++;
        void host.pub('chat.send', { messageId: `m${n}`, text: `bench ${n} ${nowMs().toFixed(3)}` }).catch(() => undefined);
      });
      // A poll change every 5 s: the second poll opens, then closes.
      flips = setInterval(() => void host.pub(open ? 'poll.close' : 'poll.open', { pollId: 'p2' }).then(() => (open = !open), () => undefined), 5_000);
    },
    stop() {
      stop();
      if (flips) clearInterval(flips);
    },
  };
}

async function wsPublisher(url: string, rateHz: number, frameBytes: number): Promise<Publisher & { close(): void }> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let stop = (): void => undefined;
  let seq = 0;
  const pad = padTo(frameBytes, 60);
  return {
    start() {
      stop = beat(rateHz, () => ws.send(`{"t":"pub","seq":${seq++},"ts":${nowMs().toFixed(3)},"pad":"${pad}"}`));
    },
    stop: () => stop(),
    close() {
      ws.terminate();
    },
  };
}

async function sioPublisher(url: string, rateHz: number, frameBytes: number): Promise<Publisher & { close(): void }> {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    s.once('connect', () => resolve());
    s.once('connect_error', reject);
  });
  let stop = (): void => undefined;
  let seq = 0;
  const pad = padTo(frameBytes, 48);
  return {
    start() {
      stop = beat(rateHz, () => s.emit('pub', { seq: seq++, ts: Number(nowMs().toFixed(3)), pad }));
    },
    stop: () => stop(),
    close() {
      s.disconnect();
    },
  };
}

async function startServer(kind: ServerKind, dataDir: string, hubRoot?: string): Promise<Child> {
  if (kind === 'hub') return startHubChild(dataDir, hubRoot ? { root: hubRoot, from: 'built' } : {});
  if (kind === 'sio') return startChild('bench/lib/socketio-server.ts', [], /Ready: (\S+)/);
  return startChild('bench/lib/bare-ws-server.ts', kind === 'ws-prebuilt' ? ['--mode', 'prebuilt'] : [], /Ready: (\S+)/);
}

export async function measureFanout(o: FanoutOptions): Promise<FanoutFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-bench-'));
  const server = await startServer(o.kind, dataDir, o.hubRoot);
  let pool: LoadPool | null = null;
  let host: StaffClient | null = null;
  let closePublisher = (): void => undefined;
  try {
    let code: string | undefined;
    let publisher: Publisher;
    if (o.kind === 'hub') {
      const ev = await createEventWithHost(server.url, BENCH_ADMIN_KEY, 'Bench');
      code = ev.joinCode;
      host = await StaffClient.connect(server.url, ev.hostToken);
      const options = ['a', 'b', 'c', 'd'].map((id) => ({ id, label: id.toUpperCase() }));
      // p1: open, results hidden, the audience votes (and re-votes) on it; p2: the host's poll changes.
      await host.must('poll.create', { pollId: 'p1', question: 'Which?', kind: 'single', options });
      await host.must('poll.open', { pollId: 'p1' });
      await host.must('poll.create', { pollId: 'p2', question: 'Next?', kind: 'single', options });
      publisher = await hubPublisher(host, o.rateHz);
    } else if (o.kind === 'sio') {
      const p = await sioPublisher(server.url, o.rateHz, o.frameBytes ?? 200);
      closePublisher = () => p.close();
      publisher = p;
    } else {
      const p = await wsPublisher(server.url, o.rateHz, o.frameBytes ?? 200);
      closePublisher = () => p.close();
      publisher = p;
    }
    await sleep(500);
    const rssIdle = rssKB(server.pid);
    const t0 = performance.now();
    pool = await LoadPool.start({ kind: o.kind === 'ws-prebuilt' ? 'ws' : o.kind, url: server.url, ...(code ? { code } : {}), clients: o.clients, workers: o.workers });
    o.log(`${o.kind}: ${pool.connected}/${o.clients} subscribers connected in ${((performance.now() - t0) / 1000).toFixed(1)} s${pool.failed ? ` (${pool.failed} failed: ${pool.errors.join('; ')})` : ''}`);
    if (o.kind === 'hub' && (o.voteEveryMs ?? 0) > 0) await pool.vote(o.voteEveryMs ?? 0, 'p1', ['a', 'b', 'c', 'd']);
    publisher.start();
    await sleep(o.warmupS * 1000);
    await pool.reset();
    const sync0 = o.kind === 'hub' ? await hubSyncFramesOut(server.url) : 0;
    const cpu = new CpuMeter(server.pid);
    const loadCpu0 = process.cpuUsage();
    await sleep(o.measureS * 1000);
    const stats: MergedStats = await pool.collect();
    const used = cpu.read();
    const sync1 = o.kind === 'hub' ? await hubSyncFramesOut(server.url) : 0;
    const loadCpu = process.cpuUsage(loadCpu0);
    const loadCpuMs = (loadCpu.user + loadCpu.system) / 1000;
    const rssLoaded = rssKB(server.pid);
    publisher.stop();
    await pool.vote(0, 'p1', []);
    const seconds = used.wallMs / 1000;
    const fig: FanoutFigures = {
      kind: o.kind,
      clients: o.clients,
      connected: stats.connected,
      framesPerSec: stats.frames / seconds,
      avgFrameBytes: stats.frames ? stats.bytes / stats.frames : 0,
      latencyP50: stats.latency.quantile(0.5),
      latencyP99: stats.latency.quantile(0.99),
      latencySamples: stats.latency.count,
      ackP50: stats.ack.quantile(0.5),
      ackP99: stats.ack.quantile(0.99),
      acks: stats.acks,
      serverCpuMs: used.cpuMs,
      measuredS: seconds,
      cpuUsPerFrame: stats.frames ? (used.cpuMs * 1000) / stats.frames : 0,
      serverCpuPct: (used.cpuMs / used.wallMs) * 100,
      loadCpuUsPerFrame: stats.frames ? (loadCpuMs * 1000) / stats.frames : 0,
      loadCpuPct: (loadCpuMs / used.wallMs) * 100,
      rssIdleMB: rssIdle / 1024,
      rssLoadedMB: rssLoaded / 1024,
      rssPerConnKB: (rssLoaded - rssIdle) / Math.max(1, stats.connected),
      nacks: stats.nacks,
      closes: stats.closes,
      ...(o.kind === 'hub' ? { serverFramesPerSec: (sync1 - sync0) / seconds } : {}),
    };
    o.log(
      `${o.kind} x${o.clients}: ${fig.framesPerSec.toFixed(0)} frames/s (${fig.avgFrameBytes.toFixed(0)} B)${fig.serverFramesPerSec !== undefined ? ` of ${fig.serverFramesPerSec.toFixed(0)} written` : ''}, latency p50 ${fig.latencyP50.toFixed(1)} p99 ${fig.latencyP99.toFixed(1)} ms, server CPU ${fig.serverCpuPct.toFixed(0)}% = ${fig.cpuUsPerFrame.toFixed(2)} µs/frame, load generators ${fig.loadCpuPct.toFixed(0)}% = ${fig.loadCpuUsPerFrame.toFixed(1)} µs/frame, RSS ${fig.rssIdleMB.toFixed(0)}→${fig.rssLoadedMB.toFixed(0)} MB${fig.acks ? `, vote ack p50 ${fig.ackP50.toFixed(1)} p99 ${fig.ackP99.toFixed(1)} ms` : ''}`,
    );
    return fig;
  } finally {
    await pool?.stop();
    closePublisher();
    host?.close();
    await server.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
