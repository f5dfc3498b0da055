/**
 * A real Redis Sentinel deployment on loopback for one test file: a primary, replicas and
 * three `redis-sentinel` processes, with short timeouts (down after 1 s) so a failover takes
 * seconds. Resolves once every Sentinel knows the replicas and the other Sentinels, which is
 * what a failover needs (quorum 2, a majority to elect the leader).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { freePort, startRedis, type RedisServer, type RedisServerOptions } from './redis-server';
import { waitUntil } from './wait';

const SENTINEL_CANDIDATES = [process.env.REDIS_SENTINEL, '/usr/bin/redis-sentinel', '/usr/local/bin/redis-sentinel'];
export const redisSentinelPath = SENTINEL_CANDIDATES.find((c): c is string => !!c && fs.existsSync(c)) ?? null;
export const sentinelSkipReason = 'redis-sentinel is not installed (apt-get install redis-sentinel, or set REDIS_SENTINEL): Sentinel tests skipped';

export const MASTER_NAME = 'stagecall';

// A failed or timed-out test must not leave Sentinels running.
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

export interface SentinelProcess {
  port: number;
  child: ChildProcess;
  output(): string;
}

export interface SentinelSetup {
  servers: RedisServer[];
  sentinels: SentinelProcess[];
  /** `127.0.0.1:p1,127.0.0.1:p2,...` for --redis-sentinels. */
  sentinelList: string;
  /** The port the Sentinels now name as master. */
  masterPort(): Promise<number>;
  /** The server with that port. */
  server(port: number): RedisServer;
  stop(): Promise<void>;
}

/** One short-lived connection to a Sentinel (or any Redis) on `port`. */
type Conn = Pick<ReturnType<typeof createClient>, 'sendCommand' | 'info'>;

async function askSentinel<T>(port: number, fn: (c: Conn) => Promise<T>): Promise<T> {
  const c = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false, connectTimeout: 2_000 } });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}

const sentinelCommand = (port: number, args: string[]): Promise<unknown> => askSentinel(port, (c) => c.sendCommand(args));

async function startSentinel(masterPort: number, dir: string): Promise<SentinelProcess> {
  if (!redisSentinelPath) throw new Error(sentinelSkipReason);
  const port = await freePort();
  const conf = path.join(dir, `sentinel-${port}.conf`);
  fs.writeFileSync(
    conf,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      'daemonize no',
      'logfile ""',
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
      // 3 s, not 1: on a loaded 2-core CI box a busy primary can miss 1 s of pings and be failed
      // over for nothing (seen: a second failover back to the restarted old primary mid-test).
      `sentinel down-after-milliseconds ${MASTER_NAME} 3000`,
      `sentinel failover-timeout ${MASTER_NAME} 5000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
      '',
    ].join('\n'),
  );
  const child = spawn(redisSentinelPath, [conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  await waitUntil(async () => (await sentinelCommand(port, ['PING'])) === 'PONG', `redis-sentinel on ${port}`, 30_000, 100);
  return { port, child, output: () => out };
}

/** Resolves once the replica on `port` has finished its sync with its primary. */
export async function waitReplicaInSync(port: number, timeoutMs = 60_000): Promise<void> {
  await waitUntil(() => askSentinel(port, async (c) => /master_link_status:up/.test(await c.info('replication'))), `the replica on ${port} to sync`, timeoutMs, 100);
}

const count = (reply: unknown): number => (Array.isArray(reply) ? reply.length : 0);

/** A primary with `replicas` replicas and three Sentinels watching it. */
export async function startSentinelSetup(opts: { replicas?: number; redis?: RedisServerOptions } = {}): Promise<SentinelSetup> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-sentinel-'));
  // Diskless sync starts at once instead of waiting 5 s for more replicas to join.
  const base = { ...opts.redis, args: [...(opts.redis?.args ?? []), '--repl-diskless-sync-delay', '0'] };
  const primary = await startRedis(base);
  const servers = [primary];
  for (let i = 0; i < (opts.replicas ?? 1); i++) servers.push(await startRedis({ ...base, args: [...base.args, '--replicaof', '127.0.0.1', String(primary.port)] }));
  for (const r of servers.slice(1)) await waitReplicaInSync(r.port);
  const sentinels: SentinelProcess[] = [];
  for (let i = 0; i < 3; i++) sentinels.push(await startSentinel(primary.port, dir));
  const replicaCount = servers.length - 1;
  for (const s of sentinels) {
    await waitUntil(async () => {
      const replicas = count(await sentinelCommand(s.port, ['SENTINEL', 'REPLICAS', MASTER_NAME]));
      const others = count(await sentinelCommand(s.port, ['SENTINEL', 'SENTINELS', MASTER_NAME]));
      return replicas >= replicaCount && others >= 2;
    }, `Sentinel ${s.port} to see ${replicaCount} replica(s) and 2 other Sentinels`, 60_000, 100);
  }
  const masterPort = async (): Promise<number> => {
    for (const s of sentinels) {
      if (s.child.exitCode !== null) continue;
      try {
        const r = await sentinelCommand(s.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME]);
        if (Array.isArray(r) && r[1] !== undefined) return Number(r[1]);
      } catch {
        // ask the next one
      }
    }
    throw new Error('no Sentinel answered');
  };
  return {
    servers,
    sentinels,
    sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
    masterPort,
    server(port) {
      const s = servers.find((x) => x.port === port);
      if (!s) throw new Error(`no server on ${port}`);
      return s;
    },
    async stop() {
      await Promise.all(
        sentinels.map(async (s) => {
          if (s.child.exitCode !== null || s.child.signalCode !== null) return;
          const exited = new Promise((r) => s.child.once('exit', r));
          s.child.kill('SIGTERM');
          await exited;
        }),
      );
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
