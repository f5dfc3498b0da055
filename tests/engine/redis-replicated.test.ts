/**
 * Issue 17: an append acked only once a replica has it (WAIT per batch, then COMMIT), against a
 * real primary and replica. The shared engine suite runs in this mode too; then what only it
 * has: with the replica frozen an append is refused `unavailable` (never a false ack) and its
 * entry stays invisible to reads and tails; once the replica answers, the retry with the same
 * id is acked with the one serial and every node sees it; a P32 revoke waits for the replica
 * the same way. Then through Sentinel: the engine
 * finds the primary by name.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppendInput } from '../../src/hub/engine/engine';
import { isEngineError } from '../../src/hub/engine/engine-error';
import { RedisEngine, type RedisEngineOptions } from '../../src/hub/engine/redis';
import type { LogEntry } from '../../src/shared/domain/types';
import { hasRedis, redisSkipReason, startRedis, type RedisServer } from '../helpers/redis-server';
import { MASTER_NAME, redisSentinelPath, sentinelSkipReason, startSentinelSetup, waitReplicaInSync, type SentinelSetup } from '../helpers/redis-sentinel';
import { engineSuite } from './engine-suite';
import { waitUntil } from '../helpers/wait';

if (!hasRedis) console.warn(`tests/engine/redis-replicated.test.ts: ${redisSkipReason}`);
if (hasRedis && !redisSentinelPath) console.warn(`tests/engine/redis-replicated.test.ts: ${sentinelSkipReason}`);

const quiet = (): void => {};
let made = 0;

const entry = (clientId: string, id: string): AppendInput => ({ ts: 1_760_000_000_000, clientId, id, name: 'vote.cast', role: 'audience', data: { pollId: 'p1', optionIds: ['a'] } });
const newMeta = () => {
  made++;
  return { eventId: `rep-${made}-${Math.random().toString(36).slice(2, 8)}`, title: 'replicated', joinCode: `RP${made}${Math.random().toString(36).slice(2, 6).toUpperCase()}`, createdAt: Date.now() };
};

describe.skipIf(!hasRedis)('redis engine with WAIT (one replica)', () => {
  let primary: RedisServer;
  let replica: RedisServer;
  const engines: RedisEngine[] = [];
  const open = async (extra: Partial<RedisEngineOptions> = {}): Promise<RedisEngine> => {
    const e = new RedisEngine({ url: primary.url, node: 'n', onError: quiet, minReplicas: 1, waitTimeoutMs: 5_000, ...extra });
    await e.open();
    engines.push(e);
    return e;
  };

  beforeAll(async () => {
    primary = await startRedis({ appendonly: true, appendfsync: 'everysec' });
    replica = await startRedis({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
    await waitReplicaInSync(replica.port);
  });
  afterEach(async () => {
    replica.thaw();
    await Promise.all(engines.splice(0).map((e) => e.close()));
  });
  afterAll(async () => {
    for (const s of [replica, primary]) {
      if (!s) continue;
      await s.stop();
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  });

  let prefixes = 0;
  engineSuite('redis+WAIT', async () => {
    const keyPrefix = `wsuite${++prefixes}:`;
    let engine = await open({ keyPrefix });
    return {
      engine,
      restart: async () => {
        await engine.close();
        engine = await open({ keyPrefix });
        return engine;
      },
      cleanup: () => engine.close(),
    };
  });

  it('P16 with the replica frozen: `unavailable`, never an ack; the entry stays invisible; the retry with the same id commits it once', async () => {
    const a = await open({ keyPrefix: 'frozen:' });
    const b = await open({ keyPrefix: 'frozen:', node: 'b' });
    const ev = newMeta();
    await a.createEvent(ev);
    expect(await a.append(ev.eventId, [entry('c', 'm1')])).toEqual([{ serial: 1, dup: false }]);
    const seen: LogEntry[] = [];
    const stop = b.tail(ev.eventId, 1, (es) => seen.push(...es));
    await waitUntil(() => seen.length === 1, 'b to see serial 1');

    replica.freeze();
    // A short WAIT here only so the refusal comes quickly; the engine default is 1 s.
    const a2 = await open({ keyPrefix: 'frozen:', waitTimeoutMs: 300 });
    const refused = await a2.append(ev.eventId, [entry('c', 'm2')]).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isEngineError(refused, 'unavailable'), String(refused)).toBe(true);
    expect(String((refused as Error).message)).toMatch(/0 of 1 Redis replicas/);
    // On the primary, but not committed: no read and no tail shows it, and info says 1.
    expect((await b.read(ev.eventId, 1, 10)).map((e) => e.serial)).toEqual([1]);
    expect((await b.info(ev.eventId)).lastSerial).toBe(1);
    expect(seen).toHaveLength(1);

    replica.thaw();
    expect(await a.append(ev.eventId, [entry('c', 'm2'), entry('c', 'm3')])).toEqual([
      { serial: 2, dup: true },
      { serial: 3, dup: false },
    ]);
    await waitUntil(() => seen.length === 3, 'b to see serials 2 and 3');
    expect(seen.map((e) => `${e.serial}:${e.id}`)).toEqual(['1:m1', '2:m2', '3:m3']);
    stop();
  });

  it('P32 a revoke resolves only once the replica has it; with the replica frozen it is refused `unavailable`', async () => {
    replica.freeze();
    const a = await open({ keyPrefix: 'revokewait:', waitTimeoutMs: 300 });
    const refused = await a.revoke({ eventId: 'ev', clientId: 'aud_1', until: Date.now() + 3_600_000 }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(isEngineError(refused, 'unavailable'), String(refused)).toBe(true);
    expect(String((refused as Error).message)).toMatch(/0 of 1 replica/);
    replica.thaw();
    await a.revoke({ eventId: 'ev', clientId: 'aud_1', until: Date.now() + 3_600_000 });
    expect(await a.isRevoked('ev', 'aud_1')).toBe(true);
  });
});

describe.skipIf(!hasRedis || !redisSentinelPath)('redis engine through Sentinel', () => {
  let setup: SentinelSetup | null = null;
  afterAll(async () => {
    await setup?.stop();
  });

  it('finds the primary by its Sentinel name and acks only what the replica confirmed', async () => {
    setup = await startSentinelSetup({ replicas: 1 });
    const sentinels = setup.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
    const e = new RedisEngine({ sentinel: { sentinels, masterName: MASTER_NAME }, node: 's', onError: quiet });
    await e.open();
    try {
      const ev = newMeta();
      await e.createEvent(ev);
      expect(await e.append(ev.eventId, [entry('c', 'x1'), entry('c', 'x2')])).toEqual([
        { serial: 1, dup: false },
        { serial: 2, dup: false },
      ]);
      expect((await e.read(ev.eventId, 1, 10)).map((x) => x.id)).toEqual(['x1', 'x2']);
    } finally {
      await e.close();
    }
  }, 120_000);
});
