/**
 * The clustered engine (DESIGN.md "Engine interface"): every hub node shares one Redis, so
 * any node can serve any client and a dead node loses nothing.
 *
 * Layout (keys.ts): per event, in one hash slot, a Stream log (id = serial), the last serial,
 * a dedupe hash (clientId\0id → serial, no TTL: P14 holds for the life of the event), the
 * epoch, the meta, and per-node presence samples with a TTL; globally a join-code index and
 * the set of event ids. Appends are one Lua script per batch (scripts.ts); tails read the
 * stream and are woken by Pub/Sub (tail-feeds.ts).
 *
 * Durability (P16), also for docs/scaling.md: an append resolves once Redis has executed the
 * script, so an ack is exactly as durable as Redis's own settings make it:
 *   - `appendonly yes` + `appendfsync always`: Redis fsyncs the AOF before it replies; a
 *     Redis host crash loses no acked entry. The strongest setting; use it for events.
 *   - `appendonly yes` + `appendfsync everysec` (Redis's default): up to ~1 s of acked
 *     entries can be lost if the Redis host crashes (a Redis process crash alone loses none).
 *   - no AOF (RDB snapshots only, or none): a restart can lose everything since the last
 *     snapshot. If an event's meta survives but its log does not, the log starts anew under a
 *     new epoch (P15) and clients take a snapshot; if the meta is lost too, the event is gone.
 *   - Replicas are asynchronous: a failover can lose the newest acked entries. Run Redis with
 *     `maxmemory-policy noeviction`: an evicted log or dedupe hash breaks P14/P15.
 */
import { parseEventMeta } from '../event-meta';
import crypto from 'node:crypto';
import { createClient } from 'redis';
import type { LogEntry } from '../../../shared/domain/types';
import type { AppendInput, AppendOutcome, Engine, EventLogInfo, EventMeta, PresenceSample } from '../engine';
import { EngineError, isEngineError } from '../engine-error';
import { decodeStreamItem, encodeInput, entryFromInput } from './entry-codec';
import { dedupeField, isStorableEventId, KeySpace } from './keys';
import { APPEND, CREATE, READ, READ_PRESENCE, RELEASE_CODE, REPORT_PRESENCE, type LuaScript } from './scripts';
import { TailFeeds, type TailRead } from './tail-feeds';

export interface RedisEngineOptions {
  url: string;
  node: string;
  /** Prefix of every key and channel (default `sc:`); lets several deployments share a Redis. */
  keyPrefix?: string;
  /** A node's presence sample counts for this long after its last report (default 15 s). */
  presenceTtlMs?: number;
  /** Tails re-read the stream this often even without a wake-up (default 1 s). */
  pollMs?: number;
  /** open() gives up when Redis does not answer within this time (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * A call gives up (code unavailable) after this long (default 10 s), so a half-open
   * connection cannot hold an ack forever; an append that still lands later is deduped on retry.
   */
  commandTimeoutMs?: number;
  /** Connection and tail-read errors; the engine retries by itself (default: a warning at most every 10 s). */
  onError?: (err: unknown) => void;
}

export interface RedisEngineStats {
  appendCalls: number;
  appended: number;
  duplicates: number;
  /** Tails stopped because their callback threw. */
  tailErrors: number;
  /** Failed Redis calls (connection errors, failed tail reads). */
  redisErrors: number;
  /** What the server said about its durability settings at open ('?' if CONFIG is not allowed). */
  server: { appendonly: string; appendfsync: string; maxmemoryPolicy: string };
}

type Client = ReturnType<typeof createClient>;

const newEpoch = (): string => `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('hex')}`;
const redact = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');
const reconnectStrategy = (retries: number): number => Math.min(2 ** retries * 50, 1_000) + Math.floor(Math.random() * 100);

const parseMeta = (text: string | null, key: string): EventMeta | null => (text === null ? null : parseEventMeta(text, key));

export class RedisEngine implements Engine {
  readonly kind = 'redis' as const;
  readonly node: string;
  private readonly url: string;
  private readonly keys: KeySpace;
  private readonly presenceTtlMs: number;
  private readonly pollMs: number;
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly reportError: (err: unknown) => void;
  private client: Client | null = null;
  private subscriber: Client | null = null;
  private tails: TailFeeds | null = null;
  private readonly listeners = new Map<string, (message: string) => void>();
  private state: 'new' | 'opening' | 'open' | 'closed' = 'new';
  private lastWarning = 0;
  private readonly counters: RedisEngineStats = {
    appendCalls: 0, appended: 0, duplicates: 0, tailErrors: 0, redisErrors: 0, server: { appendonly: '?', appendfsync: '?', maxmemoryPolicy: '?' },
  };

  constructor(opts: RedisEngineOptions) {
    this.url = opts.url;
    this.node = opts.node;
    this.keys = new KeySpace(opts.keyPrefix ?? 'sc:');
    this.presenceTtlMs = opts.presenceTtlMs ?? 15_000;
    this.pollMs = opts.pollMs ?? 1_000;
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 10_000;
    this.reportError = opts.onError ?? ((err) => this.warn(err));
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new EngineError('closed', 'open() may be called once');
    this.state = 'opening';
    // Commands fail fast while Redis is unreachable (the hub answers `unavailable` and the
    // client retries with the same id); the subscriber queues its (re)subscriptions instead.
    const client: Client = createClient({ url: this.url, disableOfflineQueue: true, socket: { reconnectStrategy, connectTimeout: 5_000 } });
    const subscriber: Client = client.duplicate({ disableOfflineQueue: false });
    this.client = client;
    this.subscriber = subscriber;
    for (const c of [client, subscriber]) c.on('error', (err: unknown) => this.onRedisError(err));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all([client.connect(), subscriber.connect()]),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new EngineError('unavailable', `Redis at ${redact(this.url)} did not answer within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
        }),
      ]);
    } catch (err) {
      client.destroy();
      subscriber.destroy();
      this.state = 'closed';
      throw isEngineError(err) ? err : new EngineError('unavailable', `cannot connect to Redis at ${redact(this.url)}: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    await this.readServerSettings(client);
    this.tails = new TailFeeds(
      {
        read: (eventId, from, count) => this.readRaw(eventId, from, count),
        subscribe: (eventId, onMessage) => this.subscribe(eventId, onMessage),
        unsubscribe: (eventId) => this.unsubscribe(eventId),
        onReadError: (err) => this.onRedisError(err),
        onCallbackError: (err) => {
          this.counters.tailErrors++;
          this.reportError(err);
        },
      },
      this.pollMs,
    );
    // Pub/Sub messages sent while the subscriber was reconnecting are lost: read again.
    subscriber.on('ready', () => this.tails?.wakeAll());
    this.state = 'open';
  }

  /** Stops tails and quits both connections (waiting for calls in flight while Redis is up). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.tails?.stopAll();
    await Promise.all(
      [this.client, this.subscriber].map(async (c) => {
        if (!c) return;
        if (c.isReady) await c.close().catch(() => c.destroy());
        else c.destroy();
      }),
    );
  }

  stats(): RedisEngineStats {
    return { ...this.counters, server: { ...this.counters.server } };
  }

  async createEvent(meta: EventMeta): Promise<void> {
    const client = this.connected();
    const { eventId, joinCode } = meta;
    if (!isStorableEventId(eventId)) throw new EngineError('invalid_event_id', `event id ${JSON.stringify(eventId)} must be 1-64 of A-Z a-z 0-9 _ -`);
    const k = this.keys.event(eventId);
    const clean: EventMeta = { eventId, title: meta.title, joinCode, createdAt: meta.createdAt };
    await this.call(async () => {
      if ((await client.exists(k.meta)) > 0) throw new EngineError('event_exists', `event ${eventId} exists`);
      // Claim the code first: a crash after this step leaves at most an unused claim.
      if ((await client.set(this.keys.code(joinCode), eventId, { condition: 'NX' })) === null) {
        throw new EngineError('code_taken', `join code ${joinCode} is in use`);
      }
      await client.sAdd(this.keys.events, eventId);
      const created = await this.run(CREATE, [k.meta, k.seq, k.epoch, k.log, k.dedupe], [JSON.stringify(clean), newEpoch()]);
      if (created !== 1) {
        await this.run(RELEASE_CODE, [this.keys.code(joinCode)], [eventId]);
        throw new EngineError('event_exists', `event ${eventId} exists`);
      }
    });
  }

  async getEvent(eventId: string): Promise<EventMeta | null> {
    const client = this.connected();
    if (!isStorableEventId(eventId)) return null;
    const key = this.keys.event(eventId).meta;
    return this.call(async () => parseMeta(await client.get(key), key));
  }

  async findEventByCode(joinCode: string): Promise<EventMeta | null> {
    const client = this.connected();
    const eventId = await this.call(() => client.get(this.keys.code(joinCode)));
    if (eventId === null) return null;
    const meta = await this.getEvent(eventId);
    // A claim left by an interrupted createEvent may name an event that uses another code.
    return meta && meta.joinCode === joinCode ? meta : null;
  }

  async listEvents(): Promise<EventMeta[]> {
    const client = this.connected();
    const ids = await this.call(() => client.sMembers(this.keys.events));
    const metas = await Promise.all(ids.map((id) => this.getEvent(id)));
    return metas
      .filter((m): m is EventMeta => m !== null)
      .sort((a, b) => a.createdAt - b.createdAt || a.eventId.localeCompare(b.eventId));
  }

  /** Also repairs a lost log (new epoch, P15) before answering, so callers never see a stale epoch. */
  async info(eventId: string): Promise<EventLogInfo> {
    const r = await this.appendRaw(eventId, []);
    return { epoch: r.epoch, lastSerial: r.lastSerial };
  }

  async append(eventId: string, entries: AppendInput[]): Promise<AppendOutcome[]> {
    const jsons = entries.map(encodeInput); // throws invalid_entry before anything is sent
    this.counters.appendCalls++;
    const r = await this.appendRaw(eventId, entries, jsons);
    const added: LogEntry[] = [];
    r.outcomes.forEach((o, i) => {
      if (!o.dup) added.push(entryFromInput(jsons[i] as string, o.serial));
    });
    this.counters.appended += added.length;
    this.counters.duplicates += entries.length - added.length;
    if (added.length) this.tails?.appended(eventId, r.epoch, added);
    return r.outcomes;
  }

  async read(eventId: string, fromSerial: number, limit: number): Promise<LogEntry[]> {
    this.connected();
    const from = Math.max(1, Math.floor(fromSerial));
    const count = Math.floor(limit);
    const r = await this.readRaw(eventId, from, Math.max(1, count));
    if (r === 'unknown_event') throw new EngineError('unknown_event', `no event ${eventId}`);
    return count > 0 ? r.entries : [];
  }

  /** Never throws: an unknown event ends the tail through `onEnd` (code unknown_event). */
  tail(eventId: string, fromSerial: number, onEntries: (entries: LogEntry[]) => void, onEnd?: (err: EngineError) => void): () => void {
    this.connected();
    return (this.tails as TailFeeds).add(eventId, fromSerial, onEntries, onEnd);
  }

  async reportPresence(eventId: string, sample: PresenceSample): Promise<void> {
    this.connected();
    const k = this.keys.event(eventId);
    const clean: PresenceSample = { node: sample.node, online: sample.online, connections: sample.connections };
    await this.run(REPORT_PRESENCE, [k.nodes, k.presence(sample.node)], [sample.node, JSON.stringify(clean), String(this.presenceTtlMs)]);
  }

  async presence(eventId: string): Promise<PresenceSample[]> {
    const client = this.connected();
    const k = this.keys.event(eventId);
    const nodes = await this.call(() => client.sMembers(k.nodes));
    if (nodes.length === 0) return [];
    const raw = await this.run(READ_PRESENCE, [k.nodes, ...nodes.map(k.presence)], nodes);
    const out: PresenceSample[] = [];
    for (const text of Array.isArray(raw) ? raw : []) {
      try {
        const s = JSON.parse(String(text)) as Partial<PresenceSample>;
        if (typeof s.node === 'string' && typeof s.online === 'number' && typeof s.connections === 'number') {
          out.push({ node: s.node, online: s.online, connections: s.connections });
        }
      } catch {
        // an unreadable sample counts as absent
      }
    }
    return out;
  }

  // ---- internals ---------------------------------------------------------------------

  private async appendRaw(eventId: string, entries: AppendInput[], jsons: string[] = []): Promise<{ epoch: string; lastSerial: number; outcomes: AppendOutcome[] }> {
    this.connected();
    if (!isStorableEventId(eventId)) throw new EngineError('unknown_event', `no event ${eventId}`);
    const k = this.keys.event(eventId);
    const args = [k.channel, newEpoch()];
    entries.forEach((e, i) => args.push(dedupeField(e.clientId, e.id), jsons[i] as string));
    const reply = await this.run(APPEND, [k.meta, k.seq, k.epoch, k.log, k.dedupe], args);
    if (!Array.isArray(reply) || reply[0] === 'unknown_event') throw new EngineError('unknown_event', `no event ${eventId}`);
    const [, epoch, last] = reply as [string, string, number];
    const outcomes: AppendOutcome[] = [];
    for (let i = 3; i < reply.length; i += 2) outcomes.push({ serial: Number(reply[i]), dup: reply[i + 1] === 1 });
    return { epoch: String(epoch), lastSerial: Number(last), outcomes };
  }

  private async readRaw(eventId: string, from: number, count: number): Promise<TailRead> {
    if (!isStorableEventId(eventId)) return 'unknown_event';
    const k = this.keys.event(eventId);
    const reply = await this.run(READ, [k.meta, k.epoch, k.log], [String(from), String(count)]);
    if (!Array.isArray(reply) || reply[0] === 'unknown_event') return 'unknown_event';
    const items = Array.isArray(reply[2]) ? (reply[2] as unknown[]) : [];
    return { epoch: String(reply[1]), entries: items.map((item) => decodeStreamItem(item, k.log)) };
  }

  /** EVALSHA, falling back to EVAL (which also caches the script) when Redis lost its script cache. */
  private run(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const client = this.connected();
    return this.call(async () => {
      try {
        return await client.evalSha(script.sha, { keys, arguments: args });
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return client.eval(script.source, { keys, arguments: args });
      }
    });
  }

  /** Maps client failures to EngineError('unavailable'); EngineErrors pass through. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        fn(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.commandTimeoutMs} ms`)), this.commandTimeoutMs);
        }),
      ]);
    } catch (err) {
      if (isEngineError(err)) throw err;
      this.counters.redisErrors++;
      throw new EngineError('unavailable', `Redis call failed: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  private async subscribe(eventId: string, onMessage: (message: string) => void): Promise<void> {
    const channel = this.keys.event(eventId).channel;
    this.listeners.set(eventId, onMessage);
    await this.subscriber?.subscribe(channel, onMessage);
  }

  private async unsubscribe(eventId: string): Promise<void> {
    const listener = this.listeners.get(eventId);
    if (!listener || this.state === 'closed') return;
    this.listeners.delete(eventId);
    await this.subscriber?.unsubscribe(this.keys.event(eventId).channel, listener);
  }

  private async readServerSettings(client: Client): Promise<void> {
    const get = async (name: string): Promise<string> => {
      try {
        const r = await client.configGet(name);
        return r[name] ?? '?';
      } catch {
        return '?'; // CONFIG is often disabled on managed Redis
      }
    };
    this.counters.server = { appendonly: await get('appendonly'), appendfsync: await get('appendfsync'), maxmemoryPolicy: await get('maxmemory-policy') };
  }

  private onRedisError(err: unknown): void {
    this.counters.redisErrors++;
    this.reportError(err);
  }

  private warn(err: unknown): void {
    const now = Date.now();
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    console.warn(`[redis engine ${this.node}] ${(err as Error)?.message ?? String(err)} (retrying)`);
  }

  private connected(): Client {
    if (this.state !== 'open' || !this.client) throw new EngineError('closed', `engine is ${this.state === 'closed' ? 'closed' : 'not open'}`);
    return this.client;
  }
}
