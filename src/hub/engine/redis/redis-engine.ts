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
 *   - Replicas: with `minReplicas` > 0 (the default with Sentinel) an append is acked only
 *     after WAIT says that many replicas have it, and only then committed (the `committed`
 *     key): tails and reads stop at the committed serial, so no node shows an entry that a
 *     failover could take back. With `minReplicas` 0, replicas are asynchronous and a failover
 *     can lose the newest acked entries. docs/scaling.md states the exact guarantee.
 *   - Run Redis with `maxmemory-policy noeviction`: an evicted log or dedupe hash breaks P14/P15.
 */
import { parseEventMeta } from '../event-meta';
import crypto from 'node:crypto';
import { sha256HexOfBytes } from '../../../shared/node/sha256';
import type { LogEntry } from '../../../shared/domain/types';
import type { AppendInput, AppendOutcome, Engine, EventLogInfo, EventMeta, PresenceSample } from '../engine';
import { EngineError, isEngineError } from '../engine-error';
import { decodeStreamItem, encodeInput, entryFromInput } from './entry-codec';
import { dedupeField, isStorableEventId, KeySpace } from './keys';
import { FailoverRetry } from './failover-retry';
import { createRedisLink, type Commands, type HostPort, type RedisLink, type RedisTarget } from './redis-link';
import { appendReplicated, evalOn, isNoScript, parseAppendReply, type AppendReply } from './replicated-append';
import { APPEND, CREATE, READ, READ_PRESENCE, RELEASE_CODE, REPORT_PRESENCE, type LuaScript } from './scripts';
import { DEFAULT_READ_WINDOW_MS, TailFeeds, type TailRead } from './tail-feeds';
import { RedisRevocations } from './revocation-store';
import type { Revocation, RevocationListener } from '../revocations';

export interface RedisEngineOptions {
  /** One Redis (`redis://...`); or `sentinel` instead. */
  url?: string;
  /** Redis Sentinel: the engine asks these for the primary and follows it through failovers. */
  sentinel?: { sentinels: HostPort[]; masterName: string };
  /**
   * An append is acked only after this many replicas confirmed it (WAIT, once per batch).
   * Default 1 with Sentinel, 0 with one URL.
   */
  minReplicas?: number;
  /** WAIT's timeout: fewer confirmations by then → `unavailable`, retry with the same ids (default 1 s). */
  waitTimeoutMs?: number;
  /**
   * How long an append in flight is retried (same ids, full-jitter backoff) while Redis fails
   * over, before it is answered `unavailable`; appends arriving meanwhile are refused at once.
   * Default 10 s with Sentinel, 0 (no retry) with one URL.
   */
  failoverRetryMs?: number;
  node: string;
  /** Prefix of every key and channel (default `sc:`); lets several deployments share a Redis. */
  keyPrefix?: string;
  /** A node's presence sample counts for this long after its last report (default 15 s). */
  presenceTtlMs?: number;
  /** Tails re-read the stream this often even without a wake-up (default 1 s). */
  pollMs?: number;
  /**
   * While wake-ups keep coming, a tail reads at most once per this many ms, taking everything
   * appended meanwhile in one read (default 20; tail-feeds.ts). 0: a read per wake-up.
   */
  tailReadWindowMs?: number;
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
  /** Stream reads made by tails (entries another node appended, a catch-up, a poll). */
  tailReads: number;
  /** Failed Redis calls (connection errors, failed tail reads). */
  redisErrors: number;
  /** What the server said about its durability settings at open ('?' if CONFIG is not allowed). */
  server: { appendonly: string; appendfsync: string; maxmemoryPolicy: string };
}

const newEpoch = (): string => `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('hex')}`;

const parseMeta = (text: string | null, key: string): EventMeta | null => (text === null ? null : parseEventMeta(text, key));

export class RedisEngine implements Engine {
  readonly kind = 'redis' as const;
  readonly node: string;
  private readonly target: RedisTarget;
  private readonly minReplicas: number;
  private readonly waitTimeoutMs: number;
  private readonly failover: FailoverRetry;
  private readonly keys: KeySpace;
  private readonly presenceTtlMs: number;
  private readonly pollMs: number;
  private readonly tailReadWindowMs: number;
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly reportError: (err: unknown) => void;
  private link: RedisLink | null = null;
  private readonly revocations: RedisRevocations;
  private tails: TailFeeds | null = null;
  private readonly listeners = new Map<string, (message: string) => void>();
  private state: 'new' | 'opening' | 'open' | 'closed' = 'new';
  private lastWarning = 0;
  private readonly counters: RedisEngineStats = {
    appendCalls: 0, appended: 0, duplicates: 0, tailErrors: 0, tailReads: 0, redisErrors: 0, server: { appendonly: '?', appendfsync: '?', maxmemoryPolicy: '?' },
  };

  constructor(opts: RedisEngineOptions) {
    if (opts.sentinel) this.target = { kind: 'sentinel', ...opts.sentinel };
    else if (opts.url) this.target = { kind: 'url', url: opts.url };
    else throw new EngineError('closed', 'the Redis engine needs a url or sentinels');
    const sentinel = this.target.kind === 'sentinel';
    this.minReplicas = Math.max(0, Math.floor(opts.minReplicas ?? (sentinel ? 1 : 0)));
    this.waitTimeoutMs = opts.waitTimeoutMs ?? 1_000;
    this.failover = new FailoverRetry(opts.failoverRetryMs ?? (sentinel ? 10_000 : 0), () => this.state === 'open');
    this.node = opts.node;
    this.keys = new KeySpace(opts.keyPrefix ?? 'sc:');
    this.presenceTtlMs = opts.presenceTtlMs ?? 15_000;
    this.pollMs = opts.pollMs ?? 1_000;
    this.tailReadWindowMs = Math.max(0, opts.tailReadWindowMs ?? DEFAULT_READ_WINDOW_MS);
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
    this.commandTimeoutMs = opts.commandTimeoutMs ?? 10_000;
    this.reportError = opts.onError ?? ((err) => this.warn(err));
    this.revocations = new RedisRevocations({
      node: this.node,
      keys: this.keys,
      run: (sc, k, a) => this.run(sc, k, a),
      write: (sc, k, a) => (this.minReplicas === 0 ? this.run(sc, k, a) : this.writeReplicated(sc, k, a)),
      now: Date.now,
      onError: (err) => this.reportError(err),
    });
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new EngineError('closed', 'open() may be called once');
    this.state = 'opening';
    const link = createRedisLink(this.target, { connectTimeoutMs: this.connectTimeoutMs, onError: (err) => this.onRedisError(err) });
    this.link = link;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        link.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new EngineError('unavailable', `${link.description} did not answer within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
        }),
      ]);
    } catch (err) {
      link.destroy();
      this.state = 'closed';
      throw isEngineError(err) ? err : new EngineError('unavailable', `cannot connect to ${link.description}: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
    await this.readServerSettings(link.commands);
    this.tails = new TailFeeds(
      {
        read: (eventId, from, count) => {
          this.counters.tailReads++;
          return this.readRaw(eventId, from, count);
        },
        subscribe: (eventId, onMessage) => this.subscribe(eventId, onMessage),
        unsubscribe: (eventId) => this.unsubscribe(eventId),
        onReadError: (err) => this.onRedisError(err),
        onCallbackError: (err) => {
          this.counters.tailErrors++;
          this.reportError(err);
        },
      },
      this.pollMs,
      this.tailReadWindowMs,
    );
    // Pub/Sub messages sent while the subscriber was reconnecting are lost: read again.
    link.onSubscriberReady(() => {
      this.tails?.wakeAll();
      this.revocations.replay().catch((err: unknown) => this.onRedisError(err));
    });
    await link.subscribe(this.keys.revocationChannel, (message) => this.revocations.heard(message));
    link.onPrimaryError(() => this.failover.markDown());
    this.state = 'open';
  }

  /** Stops tails and quits both connections (waiting for calls in flight while Redis is up). */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.tails?.stopAll();
    await this.link?.close();
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
      const created = await this.run(CREATE, [k.meta, k.seq, k.epoch, k.log, k.dedupe, k.committed], [JSON.stringify(clean), newEpoch()]);
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

  /**
   * Also repairs a lost log (new epoch, P15) before answering, so callers never see a stale epoch.
   * `lastSerial` is the last committed serial: what tails and reads will deliver.
   */
  async info(eventId: string): Promise<EventLogInfo> {
    const r = await this.appendRaw(eventId, [], [], this.minReplicas === 0);
    return { epoch: r.epoch, lastSerial: r.committed };
  }

  async append(eventId: string, entries: AppendInput[]): Promise<AppendOutcome[]> {
    const jsons = entries.map(encodeInput); // throws invalid_entry before anything is sent
    this.counters.appendCalls++;
    const r = await this.failover.run(() => (this.minReplicas === 0 ? this.appendRaw(eventId, entries, jsons, true) : this.appendReplicated(eventId, entries, jsons)));
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

  private appendArgs(eventId: string, entries: AppendInput[], jsons: string[], commit: boolean): { keys: string[]; args: string[] } {
    if (!isStorableEventId(eventId)) throw new EngineError('unknown_event', `no event ${eventId}`);
    const k = this.keys.event(eventId);
    const args = [k.channel, newEpoch(), commit ? '1' : '0'];
    entries.forEach((e, i) => args.push(dedupeField(e.clientId, e.id), jsons[i] as string));
    return { keys: [k.meta, k.seq, k.epoch, k.log, k.dedupe, k.committed], args };
  }

  private async appendRaw(eventId: string, entries: AppendInput[], jsons: string[], commit: boolean): Promise<AppendReply> {
    this.connected();
    const { keys, args } = this.appendArgs(eventId, entries, jsons, commit);
    return parseAppendReply(eventId, await this.run(APPEND, keys, args));
  }

  /** WAIT then COMMIT (replicated-append.ts): acked only once `minReplicas` replicas have the batch. */
  private appendReplicated(eventId: string, entries: AppendInput[], jsons: string[]): Promise<AppendReply> {
    this.connected();
    const { keys, args } = this.appendArgs(eventId, entries, jsons, false);
    return appendReplicated(
      { link: this.link as RedisLink, call: (fn) => this.call(fn), run: (sc, k, a) => this.run(sc, k, a), minReplicas: this.minReplicas, waitTimeoutMs: this.waitTimeoutMs },
      { eventId, keys: this.keys.event(eventId), scriptKeys: keys, scriptArgs: args, fields: entries.map((e) => dedupeField(e.clientId, e.id)) },
    );
  }

  private async readRaw(eventId: string, from: number, count: number): Promise<TailRead> {
    if (!isStorableEventId(eventId)) return 'unknown_event';
    const k = this.keys.event(eventId);
    const reply = await this.run(READ, [k.meta, k.epoch, k.log, k.committed, k.seq], [String(from), String(count)]);
    if (!Array.isArray(reply) || reply[0] === 'unknown_event') return 'unknown_event';
    const items = Array.isArray(reply[2]) ? (reply[2] as unknown[]) : [];
    return { epoch: String(reply[1]), entries: items.map((item) => decodeStreamItem(item, k.log)) };
  }

  /** One script (sent whole: no NOSCRIPT round trip) then WAIT; fewer confirmations → unavailable. */
  private async writeReplicated(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const link = this.link as RedisLink;
    const r = await this.call(() => link.writeThenWait((c) => evalOn(c, script, keys, args, true), this.minReplicas, this.waitTimeoutMs));
    if (r.replicas < this.minReplicas)
      throw new EngineError('unavailable', `only ${r.replicas} of ${this.minReplicas} replica(s) confirmed within ${this.waitTimeoutMs} ms; send it again`);
    return r.reply;
  }

  /** EVALSHA, falling back to EVAL (which also caches the script) when Redis lost its script cache. */
  private run(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const c = this.connected();
    return this.call(async () => {
      try {
        return await evalOn(c, script, keys, args, false);
      } catch (err) {
        if (!isNoScript(err)) throw err;
        return evalOn(c, script, keys, args, true);
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
    await this.link?.subscribe(channel, onMessage);
  }

  private async unsubscribe(eventId: string): Promise<void> {
    const listener = this.listeners.get(eventId);
    if (!listener || this.state === 'closed') return;
    this.listeners.delete(eventId);
    await this.link?.unsubscribe(this.keys.event(eventId).channel, listener);
  }

  private async readServerSettings(client: Commands): Promise<void> {
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

  /**
   * Issue 18: the hub's state after `serial`, one key beside the stream, replaced by each save:
   * a header line (schema, epoch, serial, the entry's clientId and id, sha256 of the payload),
   * then the payload (JSON text, kept as a string). A reopen folds only the stream after it.
   */
  async saveState(eventId: string, serial: number, schema: number, payload: Uint8Array): Promise<void> {
    const client = this.connected();
    const [entry] = await this.read(eventId, serial, 1);
    if (entry?.serial !== serial) throw new EngineError('unavailable', `serial ${serial} is not in the log`);
    const { epoch } = await this.info(eventId);
    const bytes = Buffer.from(payload);
    const header = { schema, epoch, serial, clientId: entry.clientId, id: entry.id, sha256: sha256HexOfBytes([bytes]) };
    await this.call(() => client.set(this.keys.event(eventId).state, `${JSON.stringify(header)}\n${bytes.toString('utf8')}`));
  }

  /** The stored state if its schema, epoch, checksum and entry at its serial match this log; else null (reason on stderr). */
  async loadState(eventId: string, schema: number): Promise<{ serial: number; payload: Buffer } | null> {
    const client = this.connected();
    const text = await this.call(() => client.get(this.keys.event(eventId).state));
    if (text === null) return null;
    const why = await (async (): Promise<string | { serial: number; payload: Buffer }> => {
      const nl = text.indexOf('\n');
      let h: { schema?: unknown; epoch?: unknown; serial?: unknown; clientId?: unknown; id?: unknown; sha256?: unknown };
      try {
        h = JSON.parse(nl < 0 ? text : text.slice(0, nl)) as typeof h;
      } catch {
        return 'header is not JSON';
      }
      if (h.schema !== schema) return `schema ${String(h.schema)}, this hub reads ${schema}`;
      const payload = Buffer.from(text.slice(nl + 1), 'utf8');
      if (sha256HexOfBytes([payload]) !== h.sha256) return 'checksum mismatch';
      const info = await this.info(eventId);
      if (h.epoch !== info.epoch) return `epoch ${String(h.epoch)}, the log's is ${info.epoch}`;
      if (typeof h.serial !== 'number' || !(h.serial > 0) || h.serial > info.lastSerial) return `covers serial ${String(h.serial)}, the log ends at ${info.lastSerial}`;
      const [entry] = await this.read(eventId, h.serial, 1);
      if (entry?.clientId !== h.clientId || entry?.id !== h.id) return `the entry of serial ${h.serial} changed`;
      return { serial: h.serial, payload };
    })();
    if (typeof why !== 'string') return why;
    console.warn(`[redis engine ${this.node}] event ${eventId}: state snapshot ignored, folding the whole log: ${why}`);
    return null;
  }

  async tokenSecret(): Promise<string> {
    const key = `${this.keys.prefix}token-secret`;
    const client = this.connected();
    // The first node to start sets it; every node then signs and verifies with the same one.
    await this.call(() => client.set(key, crypto.randomBytes(32).toString('base64url'), { condition: 'NX' }));
    const secret = await this.call(() => client.get(key));
    if (!secret) throw new EngineError('unavailable', 'the token secret could not be read from Redis');
    return String(secret);
  }

  revoke(r: Revocation): Promise<void> {
    this.connected();
    return this.revocations.revoke(r);
  }

  isRevoked(eventId: string, clientId: string): Promise<boolean> {
    this.connected();
    return this.revocations.isRevoked(eventId, clientId);
  }

  onRevoked(listener: RevocationListener): () => void {
    return this.revocations.onRevoked(listener);
  }

  private connected(): Commands {
    if (this.state !== 'open' || !this.link) throw new EngineError('closed', `engine is ${this.state === 'closed' ? 'closed' : 'not open'}`);
    return this.link.commands;
  }
}
