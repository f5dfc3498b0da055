/**
 * How the Redis engine reaches its primary: one URL (`createClient`), or Redis Sentinel
 * (`createSentinel`, which discovers the primary and follows it through a failover). Both give
 * the engine the same commands, Pub/Sub, and one operation Sentinel makes subtle:
 * `writeThenWait`, a write followed by WAIT on the same connection.
 *
 * WAIT counts the replicas that have everything the calling connection wrote. node-redis's
 * Sentinel pool re-sends a command on a new connection after a topology change, and a WAIT on a
 * connection that wrote nothing returns at once with every replica: that would confirm a write
 * no replica has. So the write and the WAIT are sandwiched between two CLIENT INFO calls on one
 * leased connection, all pipelined; if the connection changed in between, the result is
 * refused (code unavailable) and the caller retries with the same ids (P14).
 */
import { createClient, createSentinel } from 'redis';
import { EngineError } from '../engine-error';
import type { HostPort } from './host-port';
import { fullJitterDelay } from '../../../shared/client/backoff';

export type { HostPort } from './host-port';

type Client = ReturnType<typeof createClient>;

/** The commands the engine uses; both a client and a Sentinel (or a lease of it) have them. */
export type Commands = Pick<Client, 'get' | 'set' | 'exists' | 'sAdd' | 'sMembers' | 'evalSha' | 'eval' | 'configGet' | 'wait' | 'clientInfo'>;

export type RedisTarget = { kind: 'url'; url: string } | { kind: 'sentinel'; sentinels: HostPort[]; masterName: string };

export interface RedisLinkOptions {
  connectTimeoutMs: number;
  onError: (err: unknown) => void;
}

export interface RedisLink {
  readonly commands: Commands;
  readonly description: string;
  connect(): Promise<void>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string) => void): Promise<void>;
  /** Calls `cb` when a connection to the primary fails (the start of a failover, or a blip). */
  onPrimaryError(cb: () => void): void;
  /** Calls `cb` whenever the Pub/Sub side is (re)connected: messages may have been missed. */
  onSubscriberReady(cb: () => void): void;
  /** Runs `write` then `WAIT replicas timeoutMs` on one connection; resolves the write's reply and the replicas that confirmed it. */
  writeThenWait<T>(write: (c: Commands) => Promise<T>, replicas: number, timeoutMs: number): Promise<{ reply: T; replicas: number }>;
  close(): Promise<void>;
  destroy(): void;
}

const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
// The project's one backoff (full jitter); a small floor so a flapping Redis is not hammered.
const reconnectStrategy = (retries: number): number => 20 + fullJitterDelay(retries, Math.random, { baseMs: 50, capMs: 1_000 });
const sameConnection = (a: { id: number; addr: string; laddr?: string }, b: { id: number; addr: string; laddr?: string }): boolean =>
  a.id === b.id && a.addr === b.addr && a.laddr === b.laddr;

async function pipelinedWriteThenWait<T>(c: Commands, write: (c: Commands) => Promise<T>, replicas: number, timeoutMs: number): Promise<{ reply: T; replicas: number }> {
  const [before, reply, confirmed, after] = await Promise.all([c.clientInfo(), write(c), c.wait(replicas, timeoutMs), c.clientInfo()]);
  if (!sameConnection(before, after)) {
    throw new EngineError('unavailable', 'the Redis connection changed between the write and its WAIT (a failover?); retry with the same ids');
  }
  return { reply, replicas: Number(confirmed) };
}

export function createRedisLink(target: RedisTarget, opts: RedisLinkOptions): RedisLink {
  return target.kind === 'url' ? urlLink(target.url, opts) : sentinelLink(target.sentinels, target.masterName, opts);
}

function urlLink(url: string, opts: RedisLinkOptions): RedisLink {
  // Commands fail fast while Redis is unreachable (the hub answers `unavailable` and the client
  // retries with the same id); the subscriber queues its (re)subscriptions instead.
  const client: Client = createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: Math.min(5_000, opts.connectTimeoutMs) } });
  const subscriber: Client = client.duplicate({ disableOfflineQueue: false });
  for (const c of [client, subscriber]) c.on('error', opts.onError);
  return {
    commands: client,
    description: `Redis at ${redact(url)}`,
    connect: async () => {
      await Promise.all([client.connect(), subscriber.connect()]);
    },
    subscribe: (channel, listener) => subscriber.subscribe(channel, listener),
    unsubscribe: (channel, listener) => subscriber.unsubscribe(channel, listener),
    onSubscriberReady: (cb) => void subscriber.on('ready', cb),
    onPrimaryError: (cb) => void client.on('error', cb),
    // One connection, no automatic re-send: a dropped socket rejects both commands.
    writeThenWait: (write, replicas, timeoutMs) => pipelinedWriteThenWait(client, write, replicas, timeoutMs),
    close: async () => {
      await Promise.all([client, subscriber].map((c) => (c.isReady ? c.close().catch(() => c.destroy()) : c.destroy())));
    },
    destroy: () => {
      client.destroy();
      subscriber.destroy();
    },
  };
}

/** A few pooled connections: each append holds one through its WAIT; one more is reserved for everything else. */
const MASTER_POOL = 8;

/** A leased Sentinel connection: the engine's commands on one fixed pool slot. */
type Lease = Commands & { release(): Promise<void> | undefined };

/**
 * Leases taken once and kept. node-redis builds a new command class on every `use()`/`acquire()`
 * (measured here: ~100 ms per call under load, against ~1 ms for the commands themselves), so
 * the appends reuse the same few leases. A lease names a pool slot, which node-redis reconnects
 * to the new primary after a failover.
 */
class LeasePool {
  private readonly free: Lease[] = [];
  private readonly waiting: Array<(l: Lease) => void> = [];

  add(lease: Lease): void {
    const next = this.waiting.shift();
    if (next) next(lease);
    else this.free.push(lease);
  }

  async with<T>(fn: (l: Lease) => Promise<T>): Promise<T> {
    const lease = this.free.pop() ?? (await new Promise<Lease>((resolve) => this.waiting.push(resolve)));
    try {
      return await fn(lease);
    } finally {
      this.add(lease);
    }
  }

  releaseAll(): void {
    for (const l of this.free.splice(0)) void l.release();
  }
}

function sentinelLink(sentinels: HostPort[], masterName: string, opts: RedisLinkOptions): RedisLink {
  const sentinel = createSentinel({
    name: masterName,
    sentinelRootNodes: sentinels,
    masterPoolSize: MASTER_POOL,
    // Plain commands share one reserved connection (pipelined, like a single client). Without it,
    // node-redis 6.3 hands concurrent plain commands several leases and returns only the last,
    // until the pool is empty and every command waits forever (measured: 20 concurrent appends).
    reserveClient: true,
    // A failover is announced on the Sentinels' Pub/Sub; the scan is only a safety net.
    scanInterval: 5_000,
    passthroughClientErrorEvents: true,
    nodeClientOptions: { socket: { reconnectStrategy, connectTimeout: Math.min(5_000, opts.connectTimeoutMs) } },
    sentinelClientOptions: { socket: { connectTimeout: Math.min(5_000, opts.connectTimeoutMs) } },
  });
  sentinel.on('error', opts.onError);
  const leases = new LeasePool();
  return {
    commands: sentinel,
    description: `Redis Sentinel master "${masterName}" via ${sentinels.map((s) => `${s.host}:${s.port}`).join(',')}`,
    connect: async () => {
      await sentinel.connect();
      for (let i = 1; i < MASTER_POOL; i++) leases.add(await sentinel.acquire());
    },
    subscribe: (channel, listener) => sentinel.subscribe(channel, listener).then(() => undefined),
    // Same listener object as subscribe got; its parameter is a string in non-buffer mode.
    unsubscribe: (channel, listener) => sentinel.unsubscribe(channel, listener as (m: string | Buffer) => void).then(() => undefined),
    // `ready` follows every reconfiguration (a failover included).
    onSubscriberReady: (cb) => void sentinel.on('ready', cb),
    // node-redis tells which kind of node failed: MASTER, REPLICA or SENTINEL.
    // With passthroughClientErrorEvents node-redis re-emits a master connection's errors as
    // `Master Client (host:port): ...` (its typed `client-error` event is not forwarded).
    onPrimaryError: (cb) => void sentinel.on('error', (e: unknown) => e instanceof Error && e.message.startsWith('Master Client') && cb()),
    writeThenWait: (write, replicas, timeoutMs) => leases.with((lease) => pipelinedWriteThenWait(lease, write, replicas, timeoutMs)),
    close: async () => {
      leases.releaseAll();
      await sentinel.close().catch(() => sentinel.destroy());
    },
    destroy: () => void sentinel.destroy().catch(() => undefined),
  };
}
