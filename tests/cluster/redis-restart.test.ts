/**
 * Issue 7, P16 at the hub level: a hub on Redis with `appendonly yes` + `appendfsync always`
 * while clients publish as fast as acks return; Redis is SIGKILLed (twice) and restarted on the
 * same data dir. While it is down the hub keeps serving (sessions stay, new ones are welcomed)
 * and answers pubs with `error unavailable`, which clients treat as "unacked, retry" with the
 * same id. No acked entry is lost, every message lands exactly once, serials stay gapless and
 * the epoch does not change (P14, P15, P16).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entriesByKey, readWholeLog, startHubNode, type ClusterNode } from '../helpers/cluster';
import { expectAckedOnce } from '../helpers/expect-acked';
import { waitUntil } from '../helpers/wait';
import { createEvent, staffToken } from '../helpers/hub-process';
import { hasRedis, redisSkipReason, startRedis, type RedisServer } from '../helpers/redis-server';
import { RoamingClient, type Msg } from '../helpers/roaming-client';
import { TestClient } from '../helpers/test-client';

if (!hasRedis) console.warn(`tests/cluster/redis-restart.test.ts: ${redisSkipReason}`);

const PUBLISHERS = 10;
const PER_PUBLISHER = 200;
const TOTAL = PUBLISHERS * PER_PUBLISHER;
const KILL_AT = [Math.floor(TOTAL * 0.25), Math.floor(TOTAL * 0.6)];

describe.skipIf(!hasRedis)('hub on Redis: Redis crash and restart', () => {
  let redis: RedisServer;
  let node: ClusterNode;
  const clients: RoamingClient[] = [];

  beforeAll(async () => {
    redis = await startRedis({ appendonly: true, appendfsync: 'always' });
    node = await startHubNode(redis.url, 'solo');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await node?.hub.kill();
    await redis?.stop();
  });

  it('P16: Redis SIGKILLed twice under load (AOF, appendfsync always): the hub keeps serving, no acked entry is lost, each message once, serials gapless (P14, P15)', async () => {
    const ev = await createEvent(node.url, 'Redis restart');
    const tokens = await Promise.all(Array.from({ length: PUBLISHERS }, (_, k) => staffToken(node.url, ev.eventId, 'host', `Pub ${k}`)));
    const watcher = await TestClient.connect(node.url, tokens[0]?.token ?? '');
    const epoch = watcher.frames[0]?.t === 'welcome' ? watcher.frames[0].epoch : '';
    watcher.close();

    for (const t of tokens) clients.push(await RoamingClient.start({ urls: [node.url], token: t.token, window: 10, retryMs: 100 }));
    const unavailable = (): number => clients.reduce((s, c) => s + c.unavailable, 0);

    let acks = 0;
    type Outage = { welcomedWhileDown: boolean; errorsWhileDown: number };
    const outages: Array<Promise<Outage>> = [];
    let previous: Promise<unknown> = Promise.resolve();
    const outage = async (): Promise<Outage> => {
      const before = unavailable();
      await redis.kill('SIGKILL');
      // Down: pubs are answered `error unavailable` (condition, not a sleep), and the hub still serves sessions.
      await waitUntil(() => unavailable() > before, 'pubs answered `error unavailable` while Redis is down', 30_000, 10);
      const late = await TestClient.connect(node.url, tokens[1]?.token ?? '');
      const welcomedWhileDown = late.frames[0]?.t === 'welcome';
      late.close();
      const errorsWhileDown = unavailable() - before;
      await redis.restart(); // same port, same dir: the AOF is replayed
      return { welcomedWhileDown, errorsWhileDown };
    };
    const runs = clients.map((c, k) => {
      const msgs: Msg[] = Array.from({ length: PER_PUBLISHER }, (_, i) => ({ id: `c${k}-m${i}`, name: 'chat.send', data: { messageId: `c${k}-m${i}`, text: `message ${i} from ${k}` } }));
      return Promise.all(
        msgs.map(async (m) => {
          const f = await c.publish(m);
          if (f.t === 'ack' && KILL_AT.includes(++acks)) {
            const next = previous.then(outage); // one outage at a time
            previous = next;
            outages.push(next);
          }
          return f;
        }),
      );
    });
    const answers = (await Promise.all(runs)).flat();
    const done = await Promise.all(outages);

    expect(done).toHaveLength(KILL_AT.length);
    for (const o of done) {
      expect(o.errorsWhileDown).toBeGreaterThan(0);
      expect(o.welcomedWhileDown, 'a new session is welcomed while Redis is down').toBe(true);
    }
    expect(node.hub.child.exitCode, 'the hub process never stopped').toBeNull();
    expect(answers.every((f) => f.t === 'ack')).toBe(true);
    for (const c of clients) expect(c.ackMismatches).toEqual([]);

    const log = await readWholeLog(node.url, tokens[0]?.token ?? '');
    expect(log.map((e) => e.serial)).toEqual(log.map((_, i) => i + 1));
    const byKey = entriesByKey(log);
    expectAckedOnce(
      byKey,
      clients.map((c, k) => ({ clientId: tokens[k]?.clientId ?? '', client: c, ids: Array.from({ length: PER_PUBLISHER }, (_, i) => `c${k}-m${i}`) })),
    );
    expect(log.filter((e) => e.clientId !== 'hub')).toHaveLength(TOTAL);
    const after = await TestClient.connect(node.url, tokens[0]?.token ?? '');
    expect(after.frames[0]).toMatchObject({ t: 'welcome', epoch }); // the log survived: same epoch (P15)
    after.close();
    console.log(
      `[redis-restart] ${TOTAL} messages, Redis killed at ${KILL_AT.join(' and ')} acks; ` +
        `${done.map((o) => o.errorsWhileDown).join(' + ')} \`error unavailable\` while down, ${unavailable()} in all, ` +
        `${clients.reduce((s, c) => s + c.dupAcks, 0)} dup acks on resend`,
    );
  });
});
