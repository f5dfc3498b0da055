/**
 * P32 on a cluster: two hub processes on one real redis-server. A revoke sent to node A closes
 * the client's live connection on node B (Pub/Sub), and B refuses the token at hello (it reads
 * the revocation from Redis). Skips, saying why, when redis-server is not installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../helpers/cluster';
import { ADMIN_KEY, createEvent, joinAudience } from '../helpers/hub-process';
import { hasRedis, redisSkipReason } from '../helpers/redis-server';
import { TestClient } from '../helpers/test-client';

if (!hasRedis) console.warn(`tests/cluster/revoke.test.ts: ${redisSkipReason}`);

describe.skipIf(!hasRedis)('P32 revoke across a cluster', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(['A', 'B']);
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('a revoke on node A closes the client connected to node B with 4001; B then refuses its token', async () => {
    const a = cluster.node('A').url;
    const b = cluster.node('B').url;
    const ev = await createEvent(a, 'Cluster revoke');
    const phone = await joinAudience(a, ev.joinCode, 'Mallory');
    const other = await joinAudience(b, ev.joinCode, 'Alice');
    const onB = await TestClient.connect(b, phone.token);
    const aliceOnB = await TestClient.connect(b, other.token);
    expect(onB.frames[0]?.t).toBe('welcome');
    expect(aliceOnB.frames[0]?.t).toBe('welcome');

    const res = await fetch(`${a}/v1/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ eventId: ev.eventId, clientId: phone.clientId }),
    });
    expect(res.status).toBe(200);

    expect((await onB.waitClosed()).code).toBe(4001);
    expect(onB.frames.some((f) => f.t === 'error' && f.code === 'unauthorized')).toBe(true);
    const again = await TestClient.connect(b, phone.token);
    expect(again.frames[0]).toMatchObject({ t: 'error', code: 'unauthorized', message: 'token revoked' });
    expect((await again.waitClosed()).code).toBe(4001);
    expect(aliceOnB.closed).toBeNull();
    aliceOnB.send({ t: 'ping', id: 'still-here', ts: 1 });
    await aliceOnB.waitFor((f) => f.t === 'pong' && f.id === 'still-here');
    aliceOnB.close();
  });
});
