/**
 * Issue 11 "Show", clustered: the same fuzz batches (tests/fuzz/fuzz-driver.ts) spread over two
 * hub nodes on one Redis, so publishes race across nodes through the engine's Lua scripts. After
 * each batch both nodes hold the same log (P15: serials the same on every node) and every frame
 * either node sent agrees with its fold.
 *
 * FUZZ_SEED=<n> replays a run (the seed is printed first); FUZZ_CLUSTER_BATCHES=<n> runs longer.
 */
import { createClient } from 'redis';
import { afterAll, describe, it } from 'vitest';
import { TokenAuthority } from '../../src/hub/auth';
import type { EventMetaInput } from '../../src/shared/domain';
import { startCluster, type Cluster } from '../helpers/cluster';
import { ADMIN_KEY, createEvent } from '../helpers/hub-process';
import { hasRedis, redisSkipReason } from '../helpers/redis-server';
import { FUZZ_SEED, HubFuzzer } from './fuzz-driver';

const SIZES = { batches: Number(process.env.FUZZ_CLUSTER_BATCHES ?? 2), http: 100, conversations: 12, ws: 400 };

if (!hasRedis) console.warn(`tests/fuzz/cluster-fuzz.test.ts: ${redisSkipReason}`);

let cluster: Cluster | undefined;
let fuzzer: HubFuzzer | undefined;
let redis: ReturnType<typeof createClient> | undefined;
afterAll(async () => {
  fuzzer?.close();
  await redis?.quit();
  await cluster?.stop();
});

describe.skipIf(!hasRedis)('cluster fuzz', () => {
  it('two nodes on one Redis: no input crashes either, gets a 5xx or silence, or forks the log between them', async () => {
    console.log(`cluster fuzz: seed ${FUZZ_SEED} (FUZZ_SEED=${FUZZ_SEED} replays this run), ${SIZES.batches} batches`);
    const started = Date.now();
    const c = (cluster = await startCluster(['fa', 'fb']));
    const r = (redis = createClient({ url: c.redis.url }));
    await r.connect();
    const ev = await createEvent(c.urls[0] as string, 'Fuzz');
    const other = await createEvent(c.urls[1] as string, 'Other');
    const f = (fuzzer = new HubFuzzer({
      hubs: c.nodes.map((n) => n.hub),
      eventId: ev.eventId,
      joinCode: ev.joinCode,
      otherEventId: other.eventId,
      // Tokens signed as the nodes sign them: with the secret the first node put in Redis.
      authority: new TokenAuthority(ADMIN_KEY, (await r.get('sc:token-secret')) ?? ''),
      meta: async () => JSON.parse((await r.get(`sc:event:{${ev.eventId}}`)) ?? 'null') as EventMetaInput,
    }));
    await f.setUp();
    await f.run(SIZES, FUZZ_SEED);
    console.log(f.summary('cluster fuzz (2 nodes, one log)', FUZZ_SEED, started));
  });
});
