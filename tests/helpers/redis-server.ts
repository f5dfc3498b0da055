/**
 * Starts a private, real `redis-server` (Debian package) on a free loopback port for one test
 * file: never a shared instance, never a mock. When the binary is missing, `hasRedis` is false
 * and `redisSkipReason` says why, so suites skip with a printed reason instead of failing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';

const CANDIDATES = [process.env.REDIS_SERVER, '/usr/bin/redis-server', '/usr/local/bin/redis-server'];

function findRedisServer(): string | null {
  for (const c of CANDIDATES) if (c && fs.existsSync(c)) return c;
  const which = spawnSync('which', ['redis-server'], { encoding: 'utf8' });
  const found = which.status === 0 ? which.stdout.trim() : '';
  return found || null;
}

export const redisServerPath = findRedisServer();
export const hasRedis = redisServerPath !== null;
export const redisSkipReason = 'redis-server is not installed (apt-get install redis-server, or set REDIS_SERVER): Redis engine tests skipped';

export interface RedisServerOptions {
  appendonly?: boolean;
  appendfsync?: 'always' | 'everysec';
  /** Data directory (AOF files live here); a new temp dir when omitted. */
  dir?: string;
  port?: number;
  /** More redis-server flags, e.g. `['--replicaof', '127.0.0.1', '6380']`. */
  args?: string[];
}

export interface RedisServer {
  url: string;
  port: number;
  dir: string;
  /** redis-server's output so far, for failure messages. */
  output(): string;
  /** SIGTERM (Redis flushes and fsyncs its AOF on shutdown) and wait for the exit. */
  stop(): Promise<void>;
  /** Send a signal (SIGKILL for a crash) and wait for the exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Start again on the same port and dir (after stop/kill), optionally with more flags this time. */
  restart(extraArgs?: string[]): Promise<void>;
  /** SIGSTOP / SIGCONT: a server that holds its connections open but answers nothing. */
  freeze(): void;
  thaw(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Polls PING until the server answers (condition-based; the deadline is only a safety net). */
async function waitForPing(url: string, child: ChildProcess, out: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server exited early:\n${out()}`);
    const c = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1_000 } });
    c.on('error', () => {});
    try {
      await c.connect();
      // LOADING errors (AOF replay in progress) reject PING: keep polling until it is served.
      if ((await c.ping()) === 'PONG') {
        await c.close();
        return;
      }
    } catch {
      // not up yet
    }
    c.destroy();
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING within ${timeoutMs} ms:\n${out()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedis(opts: RedisServerOptions = {}): Promise<RedisServer> {
  if (!redisServerPath) throw new Error(redisSkipReason);
  const bin = redisServerPath;
  const port = opts.port ?? (await freePort());
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stagecall-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  const args = [
    '--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '',
    '--appendonly', opts.appendonly ? 'yes' : 'no', '--appendfsync', opts.appendfsync ?? 'always',
    '--protected-mode', 'yes', '--daemonize', 'no', '--logfile', '',
    ...(opts.args ?? []),
  ];
  let child: ChildProcess;
  let out = '';
  let exited: Promise<void>;

  const launch = async (extra: string[] = []): Promise<void> => {
    child = spawn(bin, [...args, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    const c = child;
    exited = new Promise((resolve) => c.once('exit', () => resolve()));
    c.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    await waitForPing(url, c, () => out);
  };

  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT'); // a frozen server must be able to act on the signal
      child.kill(signal);
    }
    await exited;
  };

  await launch();
  return {
    url,
    port,
    dir,
    output: () => out,
    stop: () => kill('SIGTERM'),
    kill,
    restart: async (extraArgs) => {
      await kill('SIGTERM');
      await launch(extraArgs);
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
  };
}
