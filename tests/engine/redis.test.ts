/**
 * The Redis engine against a real, private redis-server: the shared engine suite, plus what
 * only a shared store has — two hub nodes on one Redis (P14, P15 across nodes), presence that
 * sums and expires, and Redis restarts with and without persistence (P15, P16).
 * Skips, saying why, when redis-server is not installed.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { RedisEngine, type RedisEngineOptions } from '../../src/hub/engine/redis';
import type { AppendInput, AppendOutcome, EventMeta } from '../../src/hub/engine/engine';
import type { EngineError } from '../../src/hub/engine/engine-error';
import type { LogEntry } from '../../src/shared/domain/types';
import { APPEND } from '../../src/hub/engine/redis/scripts';
import { engineSuite } from './engine-suite';
import { freePort, hasRedis, redisSkipReason, startRedis, type RedisServer } from '../helpers/redis-server';
import { waitUntil } from '../helpers/wait';

if (!hasRedis) console.warn(`tests/engine/redis.test.ts: ${redisSkipReason}`);

const quiet = (): void => {};
let made = 0;

async function openEngine(url: string, extra: Partial<RedisEngineOptions> = {}): Promise<RedisEngine> {
  const engine = new RedisEngine({ url, node: 'test-node', onError: quiet, ...extra });
  await engine.open();
  return engine;
}

const entry = (clientId: string, id: string, data: unknown = { pollId: 'p1', optionIds: ['a'] }): AppendInput => ({
  ts: 1_760_000_000_000,
  clientId,
  id,
  name: 'vote.cast',
  role: 'audience',
  data,
});

function newMeta(): EventMeta {
  made++;
  return { eventId: `rev-${made}-${Math.random().toString(36).slice(2, 8)}`, title: 'redis event', joinCode: `RC${made}${Math.random().toString(36).slice(2, 6).toUpperCase()}`, createdAt: Date.now() };
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const serialsOf = (entries: LogEntry[]): number[] => entries.map((e) => e.serial);

async function readAll(engine: RedisEngine, eventId: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (;;) {
    const page = await engine.read(eventId, out.length + 1, 1000);
    if (page.length === 0) return out;
    out.push(...page);
  }
}

function recordTail(engine: RedisEngine, eventId: string, from: number): { got: LogEntry[]; ended: EngineError[]; stop: () => void } {
  const rec = { got: [] as LogEntry[], ended: [] as EngineError[], stop: () => {} };
  rec.stop = engine.tail(eventId, from, (entries) => rec.got.push(...entries), (err) => rec.ended.push(err));
  return rec;
}

/** Appends until Redis answers again (after a restart the engine reconnects by itself). */
async function appendWhenBack(engine: RedisEngine, eventId: string, inputs: AppendInput[]): Promise<AppendOutcome[]> {
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      return await engine.append(eventId, inputs);
    } catch (err) {
      if ((err as EngineError).code !== 'unavailable' || Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe.skipIf(!hasRedis)('redis engine', () => {
  let server: RedisServer;
  const engines: RedisEngine[] = [];
  const servers: RedisServer[] = [];
  const track = <T extends RedisEngine>(e: T): T => (engines.push(e), e);

  beforeAll(async () => {
    server = await startRedis({ appendonly: true, appendfsync: 'always' });
    servers.push(server);
  });
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    for (const s of servers) {
      await s.stop();
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  });

  let prefixes = 0;
  engineSuite('redis', async () => {
    // Each test gets its own key prefix on the file's server: a fresh, isolated store.
    const keyPrefix = `suite${++prefixes}:`;
    let engine = await openEngine(server.url, { keyPrefix });
    return {
      engine,
      restart: async () => {
        await engine.close();
        engine = await openEngine(server.url, { keyPrefix });
        return engine;
      },
      cleanup: () => engine.close(),
    };
  });

  it('P14 P15 two nodes appending concurrently to one event get gapless serials; each node’s tail sees the same log', async () => {
    // No poll: every wake-up here has to come through Pub/Sub or the node's own appends.
    const a = track(await openEngine(server.url, { node: 'a', keyPrefix: 'two:', pollMs: 600_000 }));
    const b = track(await openEngine(server.url, { node: 'b', keyPrefix: 'two:', pollMs: 600_000 }));
    const ev = newMeta();
    await a.createEvent(ev);
    expect(await b.getEvent(ev.eventId)).toEqual(ev);
    const ta = recordTail(a, ev.eventId, 1);
    const tb = recordTail(b, ev.eventId, 1);
    const sent = new Map<number, AppendInput>();
    await Promise.all(
      [a, b].flatMap((engine, n) =>
        range(1, 8).map(async (c) => {
          for (let k = 0; k < 25; k++) {
            const inputs = [entry(`n${n}-c${c}`, `k${k}`, { n, c, k }), entry(`n${n}-c${c}`, `k${k}b`)];
            const out = await engine.append(ev.eventId, inputs);
            expect(out[1]?.serial).toBe((out[0]?.serial ?? 0) + 1); // one call stays contiguous
            out.forEach((o, i) => sent.set(o.serial, inputs[i] as AppendInput));
          }
        }),
      ),
    );
    const last = 2 * 8 * 25 * 2;
    expect([...sent.keys()].sort((x, y) => x - y)).toEqual(range(1, last));
    expect((await a.info(ev.eventId)).lastSerial).toBe(last);
    expect(await b.info(ev.eventId)).toEqual(await a.info(ev.eventId));
    await waitUntil(() => ta.got.length >= last && tb.got.length >= last, 'both tails to reach the end');
    expect(serialsOf(ta.got)).toEqual(range(1, last));
    expect(tb.got).toEqual(ta.got);
    for (const e of ta.got) expect(e).toEqual({ ...sent.get(e.serial), serial: e.serial });
    expect(await readAll(b, ev.eventId)).toEqual(ta.got);

    // P14 across nodes: the same (clientId, id) sent through the other node is a duplicate.
    const [first] = await a.append(ev.eventId, [entry('roamer', 'm1')]);
    expect(first).toEqual({ serial: last + 1, dup: false });
    expect(await b.append(ev.eventId, [entry('roamer', 'm1'), entry('roamer', 'm2')])).toEqual([
      { serial: last + 1, dup: true },
      { serial: last + 2, dup: false },
    ]);
    await waitUntil(() => ta.got.length === last + 2 && tb.got.length === last + 2, 'both tails to see the last two');
    expect(tb.got).toEqual(ta.got);
    ta.stop();
    tb.stop();
  });

  it('P17 a wake-up lost in transit: tails still get every entry in order, from the stream', async () => {
    const a = track(await openEngine(server.url, { node: 'a', keyPrefix: 'lostpub:', pollMs: 600_000 }));
    const b = track(await openEngine(server.url, { node: 'b', keyPrefix: 'lostpub:', pollMs: 200 }));
    const ev = newMeta();
    await a.createEvent(ev);
    await a.append(ev.eventId, range(1, 5).map((i) => entry('a', `m${i}`)));
    const ta = recordTail(a, ev.eventId, 1);
    const tb = recordTail(b, ev.eventId, 1);
    await waitUntil(() => ta.got.length === 5 && tb.got.length === 5, 'the tails to catch up');
    // Another node appends, but its publish never arrives (sent to a channel nobody hears).
    const raw = createClient({ url: server.url });
    await raw.connect();
    const k = (s: string): string => `lostpub:{${ev.eventId}}:${s}`;
    const rawAppend = async (id: string): Promise<void> => {
      const json = JSON.stringify(entry('other', id));
      await raw.eval(APPEND.source, { keys: [`lostpub:event:{${ev.eventId}}`, k('seq'), k('epoch'), k('log'), k('dedupe'), k('committed')], arguments: ['nowhere', 'unused', '1', `other\0${id}`, json] });
    };
    await rawAppend('x6');
    await rawAppend('x7');
    // a's own append (serial 8) must not be handed to its tail before 6 and 7.
    expect(await a.append(ev.eventId, [entry('a', 'm8')])).toEqual([{ serial: 8, dup: false }]);
    await waitUntil(() => ta.got.length >= 8, 'a’s tail to read 6-8');
    expect(serialsOf(ta.got)).toEqual(range(1, 8));
    // No append, no publish: b's poll finds the next one.
    await rawAppend('x9');
    await raw.close();
    await waitUntil(() => tb.got.length >= 9, 'b’s poll to find serial 9');
    expect(serialsOf(tb.got)).toEqual(range(1, 9));
    expect(tb.got).toEqual(await readAll(a, ev.eventId));
    ta.stop();
    tb.stop();
  });

  it('a tail coalesces another node\'s wake-ups into one read per window, but reads at once for entries its own engine appended (P12)', async () => {
    const a = track(await openEngine(server.url, { node: 'a', keyPrefix: 'window:', pollMs: 600_000, tailReadWindowMs: 60_000 }));
    const b = track(await openEngine(server.url, { node: 'b', keyPrefix: 'window:', pollMs: 600_000, tailReadWindowMs: 400 }));
    const ev = newMeta();
    await a.createEvent(ev);
    await a.append(ev.eventId, [entry('a', 'm1')]);
    const tb = recordTail(b, ev.eventId, 1);
    await waitUntil(() => tb.got.length === 1, 'b’s tail to read serial 1');
    const reads0 = b.stats().tailReads;
    // 20 batches, one after the other: 20 wake-ups (publishes) for b.
    const t0 = performance.now();
    for (const i of range(2, 21)) await a.append(ev.eventId, [entry('a', `m${i}`)]);
    const appendMs = performance.now() - t0;
    await waitUntil(() => tb.got.length === 21, 'b’s tail to read serials 2-21');
    expect(serialsOf(tb.got)).toEqual(range(1, 21));
    // A read at most per 400 ms window while they came (plus the one the window ends with).
    expect(b.stats().tailReads - reads0).toBeLessThanOrEqual(2 + Math.floor(appendMs / 400));

    // a's tail has just read (a 60 s window): b's entry waits for the window...
    const ta = recordTail(a, ev.eventId, 1);
    await waitUntil(() => ta.got.length === 21, 'a’s tail to catch up');
    await b.append(ev.eventId, [entry('b', 'x22')]);
    const readsA = a.stats().tailReads;
    // ...but a's own entry after it (a gap its tail must read first) does not: its ack waits for the fold.
    expect(await a.append(ev.eventId, [entry('a', 'm23')])).toEqual([{ serial: 23, dup: false }]);
    await waitUntil(() => ta.got.length === 23, 'a’s tail to read 22 and take 23 without waiting 60 s', 10_000);
    expect(serialsOf(ta.got)).toEqual(range(1, 23));
    expect(a.stats().tailReads - readsA).toBe(1);
    ta.stop();
    tb.stop();
  });

  it('under sustained appends a tail leaves the Pub/Sub channel and reads every window; once quiet it listens again', async () => {
    const a = track(await openEngine(server.url, { node: 'a', keyPrefix: 'hot:', pollMs: 600_000 }));
    const b = track(await openEngine(server.url, { node: 'b', keyPrefix: 'hot:', pollMs: 600_000, tailReadWindowMs: 30 }));
    const ev = newMeta();
    await a.createEvent(ev);
    const raw = createClient({ url: server.url });
    await raw.connect();
    const channel = `hot:{${ev.eventId}}:pub`;
    const listeners = async (): Promise<number> => Number((await raw.pubSubNumSub(channel))[channel] ?? 0);
    const tb = recordTail(b, ev.eventId, 1);
    await waitUntil(async () => (await listeners()) === 1, 'b to subscribe');
    let n = 0;
    let going = true;
    const load = (async () => {
      while (going) await a.append(ev.eventId, [entry('a', `m${++n}`)]);
    })();
    try {
      await waitUntil(async () => (await listeners()) === 0, 'b to stop listening while the appends keep coming');
    } finally {
      going = false;
      await load;
    }
    await waitUntil(() => tb.got.length === n, 'b’s tail to read every entry by itself');
    await waitUntil(async () => (await listeners()) === 1, 'b to listen again once a read found nothing');
    // No poll (600 s): the next entry reaches b only through the channel.
    await a.append(ev.eventId, [entry('a', 'last')]);
    await waitUntil(() => tb.got.length === n + 1, 'b’s tail to be woken by Pub/Sub again', 10_000);
    expect(serialsOf(tb.got)).toEqual(range(1, n + 1));
    await raw.close();
    tb.stop();
  });

  it('P32 a revocation announced on one node reaches the other; one whose announcement was lost is replayed when Pub/Sub reconnects', async () => {
    const a = track(await openEngine(server.url, { node: 'a', keyPrefix: 'revoke:' }));
    const b = track(await openEngine(server.url, { node: 'b', keyPrefix: 'revoke:' }));
    const heardByB: string[] = [];
    b.onRevoked((r) => heardByB.push(r.clientId));
    await a.revoke({ eventId: 'ev', clientId: 'aud_1', until: Date.now() + 3_600_000 });
    await waitUntil(() => heardByB.includes('aud_1'), 'b to hear the announcement');
    // Another revocation lands in the set, but its announcement never arrives (a dropped link).
    const raw = createClient({ url: server.url });
    await raw.connect();
    await raw.zAdd('revoke:revocations', { score: Date.now() + 3_600_000, value: 'ev\u0000aud_2' });
    expect(await b.isRevoked('ev', 'aud_2')).toBe(true); // hello reads the set: refused anyway
    expect(heardByB).not.toContain('aud_2');
    // Pub/Sub connections drop and reconnect: b replays what is in force, so live ones close too.
    await raw.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await raw.close();
    await waitUntil(() => heardByB.includes('aud_2'), 'b to replay the missed revocation');
  });

  it('presence from two nodes sums, and a node that stops reporting drops out once its TTL passes', async () => {
    const a = track(await openEngine(server.url, { node: 'a', keyPrefix: 'pres:', presenceTtlMs: 60_000 }));
    const b = track(await openEngine(server.url, { node: 'b', keyPrefix: 'pres:', presenceTtlMs: 2_500 }));
    const ev = newMeta();
    await a.createEvent(ev);
    await a.reportPresence(ev.eventId, { node: 'a', online: 3, connections: 5 });
    await b.reportPresence(ev.eventId, { node: 'b', online: 4, connections: 4 });
    const sum = async (e: RedisEngine): Promise<number> => (await e.presence(ev.eventId)).reduce((s, p) => s + p.online, 0);
    expect(await sum(a)).toBe(7);
    expect(await sum(b)).toBe(7);
    // b stops reporting (a dead node): its sample expires by itself.
    await waitUntil(async () => (await a.presence(ev.eventId)).length === 1, 'node b to expire', 20_000);
    expect(await a.presence(ev.eventId)).toEqual([{ node: 'a', online: 3, connections: 5 }]);
    const raw = createClient({ url: server.url });
    await raw.connect();
    expect(await raw.sMembers(`pres:{${ev.eventId}}:nodes`)).toEqual(['a']); // pruned
    await raw.close();
  });

  it('open() fails with code unavailable when nothing answers; calls before open() fail with code closed', async () => {
    const port = await freePort();
    const e = new RedisEngine({ url: `redis://127.0.0.1:${port}`, node: 'x', connectTimeoutMs: 1_000, onError: quiet });
    await expect(e.open()).rejects.toMatchObject({ code: 'unavailable' });
    const never = new RedisEngine({ url: server.url, node: 'x' });
    await expect(never.append('e', [entry('c', '1')])).rejects.toMatchObject({ code: 'closed' });
  });

  it('an entry JSON cannot represent is refused (invalid_entry) and leaves no gap', async () => {
    const e = track(await openEngine(server.url, { keyPrefix: 'inv:' }));
    const ev = newMeta();
    await e.createEvent(ev);
    await expect(e.append(ev.eventId, [entry('c', '1'), entry('c', '2', { n: 1n })])).rejects.toMatchObject({ code: 'invalid_entry' });
    expect(await e.append(ev.eventId, [entry('c', '3')])).toEqual([{ serial: 1, dup: false }]);
  });

  it('P15 a lost log (meta kept) gives a new epoch and serials from 1; a lost counter alone is rebuilt from the stream', async () => {
    const e = track(await openEngine(server.url, { keyPrefix: 'lost:' }));
    const ev = newMeta();
    await e.createEvent(ev);
    await e.append(ev.eventId, range(1, 5).map((i) => entry('c', `m${i}`)));
    const before = await e.info(ev.eventId);
    const t = recordTail(e, ev.eventId, 1);
    await waitUntil(() => t.got.length === 5, 'the tail to catch up');
    const raw = createClient({ url: server.url });
    await raw.connect();
    const k = (s: string): string => `lost:{${ev.eventId}}:${s}`;

    await raw.del(k('seq')); // only the counter: the stream is whole, nothing was lost
    expect(await e.info(ev.eventId)).toEqual(before);
    expect(await e.append(ev.eventId, [entry('c', 'm6')])).toEqual([{ serial: 6, dup: false }]);

    await raw.del([k('log'), k('seq')]); // the log itself (e.g. evicted)
    await raw.close();
    const after = await e.info(ev.eventId);
    expect(after.lastSerial).toBe(0);
    expect(after.epoch).not.toBe(before.epoch);
    // The old dedupe records named serials of the lost log: they are gone too.
    expect(await e.append(ev.eventId, [entry('c', 'm1')])).toEqual([{ serial: 1, dup: false }]);
    // A tail of the old log stops instead of taking new-log entries for old serials.
    await waitUntil(() => t.ended.length === 1, 'the old tail to end');
    expect(t.ended[0]?.code).toBe('log_reset');
    expect(serialsOf(t.got)).toEqual(range(1, 6));
  });

  it('issue 18 a state snapshot is one key beside the stream: loaded while it matches the log, ignored when damaged, of another schema or the log was lost', async () => {
    const e = track(await openEngine(server.url, { keyPrefix: 'state:' }));
    const ev = newMeta();
    await e.createEvent(ev);
    await e.append(ev.eventId, range(1, 5).map((i) => entry('c', `m${i}`)));
    expect(await e.loadState(ev.eventId, 7)).toBeNull(); // none yet
    const payload = Buffer.from(JSON.stringify({ state: 'wörld', n: 3 }), 'utf8');
    await e.saveState(ev.eventId, 3, 7, payload);
    expect(await e.loadState(ev.eventId, 7)).toEqual({ serial: 3, payload });
    expect(await e.loadState(ev.eventId, 8)).toBeNull(); // another schema
    const raw = createClient({ url: server.url });
    await raw.connect();
    const k = (s: string): string => `state:{${ev.eventId}}:${s}`;
    const good = (await raw.get(k('state'))) as string;
    await raw.set(k('state'), good.replace('wörld', 'world'));
    expect(await e.loadState(ev.eventId, 7)).toBeNull(); // checksum
    await raw.set(k('state'), good);
    expect(await e.loadState(ev.eventId, 7)).toEqual({ serial: 3, payload });
    await raw.del([k('log'), k('seq')]); // the log lost: a new epoch, the state is not its
    await raw.close();
    await e.append(ev.eventId, range(1, 5).map((i) => entry('c', `n${i}`)));
    expect(await e.loadState(ev.eventId, 7)).toBeNull();
  });

  it('P16 Redis stopped (SIGTERM) and started again on its AOF: no acked entry lost, same epoch, dedupe kept, tails carry on', async () => {
    const s = await startRedis({ appendonly: true, appendfsync: 'always' });
    servers.push(s);
    const e = track(await openEngine(s.url, { pollMs: 200 }));
    const ev = newMeta();
    await e.createEvent(ev);
    for (let i = 0; i < 20; i++) await e.append(ev.eventId, range(1, 10).map((j) => entry(`c${j}`, `m${i}`)));
    const before = await e.info(ev.eventId);
    expect(before.lastSerial).toBe(200);
    const t = recordTail(e, ev.eventId, 1);
    await waitUntil(() => t.got.length === 200, 'the tail to catch up');
    await s.stop();
    await expect(e.append(ev.eventId, [entry('x', 'during')])).rejects.toMatchObject({ code: 'unavailable' });
    await s.restart();
    expect(await appendWhenBack(e, ev.eventId, [entry('c3', 'm7'), entry('x', 'during'), entry('x', 'after')])).toEqual([
      { serial: 73, dup: true },
      expect.objectContaining({ dup: false }),
      expect.objectContaining({ dup: false }),
    ]);
    const info = await e.info(ev.eventId);
    expect(info.epoch).toBe(before.epoch);
    expect(info.lastSerial).toBe(202);
    expect(serialsOf(await readAll(e, ev.eventId))).toEqual(range(1, 202));
    expect(await e.getEvent(ev.eventId)).toEqual(ev);
    await waitUntil(() => t.got.length === 202, 'the tail to see entries after the restart');
    expect(serialsOf(t.got)).toEqual(range(1, 202));
    t.stop();
  });

  it('P16 Redis killed (SIGKILL) mid-traffic with appendfsync always: every acked entry is there after a restart', async () => {
    const s = await startRedis({ appendonly: true, appendfsync: 'always' });
    servers.push(s);
    const e = track(await openEngine(s.url));
    const ev = newMeta();
    await e.createEvent(ev);
    const acked = new Map<string, number>();
    let stop = false;
    const writers = range(1, 6).map(async (w) => {
      for (let k = 0; !stop; k++) {
        try {
          const out = await e.append(ev.eventId, [entry(`w${w}`, `k${k}`)]);
          acked.set(`w${w}/k${k}`, out[0]?.serial ?? -1);
        } catch {
          return; // Redis went away: this writer is done
        }
      }
    });
    await waitUntil(() => acked.size >= 300, '300 acked appends');
    await s.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await s.restart();
    const log = await (async () => {
      await waitUntil(async () => (await e.info(ev.eventId).then(() => true, () => false)), 'the engine to reconnect');
      return readAll(e, ev.eventId);
    })();
    expect(serialsOf(log)).toEqual(range(1, log.length));
    const bySerial = new Map(log.map((x) => [x.serial, `${x.clientId}/${x.id}`]));
    for (const [key, serial] of acked) expect(bySerial.get(serial)).toBe(key);
    expect(log.length).toBeGreaterThanOrEqual(acked.size);
  });

  it('P14 a call to a frozen Redis gives up (unavailable); the retry with the same id gets the one serial', async () => {
    const s = await startRedis({ appendonly: true, appendfsync: 'always' });
    servers.push(s);
    const e = track(await openEngine(s.url, { commandTimeoutMs: 500 }));
    const ev = newMeta();
    await e.createEvent(ev);
    await e.append(ev.eventId, [entry('c', 'm1')]);
    s.freeze();
    const t0 = Date.now();
    await expect(e.append(ev.eventId, [entry('c', 'm2')])).rejects.toMatchObject({ code: 'unavailable' });
    expect(Date.now() - t0).toBeLessThan(10_000);
    s.thaw();
    // The timed-out call was still queued and lands once Redis wakes: the retry is its duplicate.
    const retry = await appendWhenBack(e, ev.eventId, [entry('c', 'm2')]);
    expect(retry).toEqual([{ serial: 2, dup: expect.any(Boolean) }]);
    expect(serialsOf(await readAll(e, ev.eventId))).toEqual([1, 2]);
  });

  it('P15 Redis restarted without persistence: the event is gone; if its meta is restored, its log starts anew under a new epoch', async () => {
    const s = await startRedis({ appendonly: false });
    servers.push(s);
    const e = track(await openEngine(s.url, { pollMs: 200 }));
    const ev = newMeta();
    await e.createEvent(ev);
    await e.append(ev.eventId, range(1, 10).map((i) => entry('c', `m${i}`)));
    const before = await e.info(ev.eventId);
    const t = recordTail(e, ev.eventId, 1);
    await waitUntil(() => t.got.length === 10, 'the tail to catch up');
    await s.stop();
    fs.rmSync(s.dir, { recursive: true, force: true });
    const empty = await startRedis({ appendonly: false, port: s.port });
    servers.push(empty);
    // Everything was lost, meta included: the event no longer exists on any node.
    await waitUntil(async () => (await e.getEvent(ev.eventId).then((m) => m === null, () => false)), 'the engine to reconnect');
    await expect(e.append(ev.eventId, [entry('c', 'm11')])).rejects.toMatchObject({ code: 'unknown_event' });
    await waitUntil(() => t.ended.length === 1, 'the tail to end');
    expect(t.ended[0]?.code).toBe('unknown_event');
    // An operator restores the meta (e.g. from a backup): the log is new, so is its epoch.
    const raw = createClient({ url: empty.url });
    await raw.connect();
    await raw.set(`sc:event:{${ev.eventId}}`, JSON.stringify(ev));
    await raw.close();
    const after = await e.info(ev.eventId);
    expect(after).toEqual({ epoch: expect.any(String), lastSerial: 0 });
    expect(after.epoch).not.toBe(before.epoch);
    expect(await e.append(ev.eventId, [entry('c', 'm1')])).toEqual([{ serial: 1, dup: false }]);
  });
});
