/**
 * Issue 7, failover: three hub nodes on one Redis, 300 audience clients spread over them (each
 * holding the three URLs, moving to the next on close) and the real console core (ConsoleCore:
 * Link + Journal + Outbox) holding the same list. During a vote burst the console's node is
 * SIGKILLed while the operator queues actions. Every client reconnects to a survivor and
 * resumes its view (patch or snapshot) to exactly a fresh subscriber's; every acked vote counts
 * exactly once; the console's queued actions land once each, in order (P11, P14-P16, P18, P19).
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../src/main/core/console-core';
import type { LinkStatus, OutboxItem } from '../../src/shared/console-api';
import type { StatsFrame } from '../../src/shared/protocol';
import { entriesByKey, freshView, must, readWholeLog, startCluster, type Cluster } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { createEvent, joinAudience, staffToken, tempDir } from '../helpers/hub-process';
import { hasRedis, redisSkipReason } from '../helpers/redis-server';
import { RoamingClient } from '../helpers/roaming-client';
import type { TestClient } from '../helpers/test-client';

if (!hasRedis) console.warn(`tests/cluster/failover.test.ts: ${redisSkipReason}`);

const AUDIENCE = 300;
const VOTES_EACH = 3;
const OPTIONS = ['a', 'b', 'c', 'd'];
const KILL_AFTER_ACKS = Math.floor((AUDIENCE * VOTES_EACH) / 4);
const QUEUED_AROUND_KILL = 20;

const optionOf = (k: number, n: number): string => OPTIONS[(k + n) % OPTIONS.length] as string;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Voter {
  k: number;
  clientId: string;
  client: RoamingClient;
  firstNode: string;
}

type StaffDoc = { polls: Record<string, { tallies: Record<string, number>; ballots: number }>; chat: Array<{ id: string }>; audience: { online: number } };

describe.skipIf(!hasRedis)('cluster failover', () => {
  let cluster: Cluster;
  let core: ConsoleCore | null = null;
  const voters: Voter[] = [];
  const extra: TestClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster(['A', 'B', 'C']);
  });
  afterAll(async () => {
    for (const v of voters) v.client.close();
    for (const c of extra) c.close();
    await core?.close();
    await cluster?.stop();
  });

  it('P11 P14 P16 P18: a node SIGKILLed mid-burst: clients and console fail over, every acked vote counts once, queued actions land once in order', { timeout: 120_000 }, async () => {
    const urls = cluster.urls;
    const [A, B, C] = [cluster.node('A'), cluster.node('B'), cluster.node('C')];
    const ev = await createEvent(B.url, 'Failover');
    const host = await staffToken(C.url, ev.eventId, 'host', 'Console host');

    // ---- the console, on node A (its first URL) ---------------------------------------------
    core = new ConsoleCore({ userDataDir: tempDir('failover-console'), shell: 'web', version: 'test', link: { backoff: { baseMs: 200, capMs: 2_000 } } });
    const console_ = core;
    must(await console_.start());
    let status: LinkStatus | null = null;
    console_.on('status', (s) => (status = s));
    let lastStats: StatsFrame | null = null;
    console_.on('stats', (s) => (lastStats = s));
    must(await console_.request('session/joinRemote', { hubUrls: urls, token: host.token }));
    await waitUntil(() => status?.state === 'connected' && status.node === 'A', 'the console connected to node A');
    const queue = async (name: 'poll.create' | 'poll.open' | 'poll.reveal' | 'chat.send', data: unknown): Promise<string> => must(await console_.request('publish', { name, data })).id;
    const outbox = async (): Promise<Map<string, OutboxItem>> => new Map(must(await console_.request('outbox/list', { limit: 1000 })).map((i) => [i.id, i]));
    const setup = [
      await queue('poll.create', { pollId: 'p1', question: 'Best option?', kind: 'single', options: OPTIONS.map((id) => ({ id, label: id.toUpperCase() })) }),
      await queue('poll.open', { pollId: 'p1' }),
      await queue('poll.reveal', { pollId: 'p1', visible: true }), // tallies visible: every vote changes the audience view
    ];
    await waitUntil(async () => {
      const o = await outbox();
      return setup.every((id) => o.get(id)?.state === 'acknowledged' && o.get(id)?.applied === true);
    }, 'the poll set up through the console');

    // ---- 300 audience clients, a third starting on each node ---------------------------------
    const ids = Array.from({ length: AUDIENCE }, (_, k) => k);
    for (let at = 0; at < AUDIENCE; at += 50) {
      await Promise.all(
        ids.slice(at, at + 50).map(async (k) => {
          const startAt = k % urls.length;
          const j = await joinAudience(urls[startAt] as string, ev.joinCode, `Voter ${k}`);
          const client = await RoamingClient.start({ urls, token: j.token, startAt, view: 'audience' });
          voters.push({ k, clientId: j.clientId, client, firstNode: client.node ?? '?' });
        }),
      );
    }
    expect(new Set(voters.map((v) => v.firstNode))).toEqual(new Set(['A', 'B', 'C']));

    // ---- the vote burst, and the kill in the middle of it ------------------------------------
    let acked = 0;
    let killedAt = 0;
    const chatIds: string[] = [];
    let kill: Promise<void> | null = null;
    const queueChat = async (n: number): Promise<void> => {
      for (let i = 0; i < n; i++) chatIds.push(await queue('chat.send', { messageId: `console-${chatIds.length}`, text: `console message ${chatIds.length}` }));
    };
    let inFlightAtKill = 0;
    const onAck = (): void => {
      if (++acked !== KILL_AFTER_ACKS || kill) return;
      kill = (async () => {
        // Frozen first, so that pubs are provably in flight at the kill (sent to A, never answered);
        // appends A had already handed to Redis land there unacked and come back dup:true.
        A.hub.child.kill('SIGSTOP');
        await queueChat(QUEUED_AROUND_KILL / 2); // sent to A at once
        const stuck = (): Voter[] => voters.filter((v) => v.client.node === 'A' && !v.client.settled);
        await waitUntil(() => stuck().length >= 5, 'votes in flight to the frozen node', 30_000, 10);
        inFlightAtKill = stuck().length;
        await A.hub.kill('SIGKILL');
        killedAt = Date.now();
        await queueChat(QUEUED_AROUND_KILL / 2); // queued while the console has no hub
      })();
    };
    await Promise.all(
      voters.map(async (v) => {
        await sleep(Math.random() * 2_000); // workload pacing: spread the burst over ~3 s
        for (let n = 0; n < VOTES_EACH; n++) {
          const f = await v.client.publish({ id: `v${v.k}-${n}`, name: 'vote.cast', data: { pollId: 'p1', optionIds: [optionOf(v.k, n)] } });
          if (f.t !== 'ack') throw new Error(`vote v${v.k}-${n} refused: ${JSON.stringify(f)}`);
          onAck();
          await sleep(Math.random() * 300);
        }
      }),
    );
    expect(kill, 'node A was killed during the burst').not.toBeNull();
    await kill;

    // ---- every client is on a survivor, resynced, with every vote acked ----------------------
    await waitUntil(() => voters.every((v) => v.client.connected && v.client.node !== 'A' && v.client.settled), 'every client on a surviving node with all votes acked', 30_000);
    const votersSettledMs = Date.now() - killedAt;
    const movedFromA = voters.filter((v) => v.firstNode === 'A');
    expect(movedFromA.length).toBe(AUDIENCE / 3);
    for (const v of movedFromA) {
      expect(v.client.welcomes.length, `voter ${v.k} reconnected`).toBeGreaterThanOrEqual(2);
      expect(v.client.resumedBy.length, `voter ${v.k} resynced its view after reconnecting`).toBeGreaterThanOrEqual(1);
    }
    for (const v of voters) {
      expect(v.client.invalidFrames).toBe(0);
      expect(v.client.ackMismatches).toEqual([]);
      expect(v.client.nacked.size).toBe(0);
    }

    // ---- the log: one, gapless, identical on both survivors; every acked vote exactly once ----
    const finalVote = new Map(voters.map((v) => [v.clientId, optionOf(v.k, VOTES_EACH - 1)]));
    const expectedTallies: Record<string, number> = Object.fromEntries(OPTIONS.map((o) => [o, 0]));
    for (const o of finalVote.values()) expectedTallies[o] = (expectedTallies[o] ?? 0) + 1;

    // The console drains its outbox on a survivor.
    await waitUntil(async () => {
      const o = await outbox();
      return chatIds.length === QUEUED_AROUND_KILL && chatIds.every((id) => o.get(id)?.state === 'acknowledged');
    }, 'the console to deliver every queued action', 30_000, 100);
    const consoleSettledMs = Date.now() - killedAt;
    expect(status).toMatchObject({ state: 'connected' });
    expect(['B', 'C']).toContain((status as LinkStatus | null)?.node);

    const log = await waitUntil(async () => {
      const [b, c] = await Promise.all([readWholeLog(B.url, host.token), readWholeLog(C.url, host.token)]);
      return isDeepStrictEqual(b, c) ? b : undefined; // a presence entry may land between the reads
    }, 'identical histories on B and C', 30_000, 200);
    expect(log.map((e) => e.serial)).toEqual(log.map((_, i) => i + 1));
    const byKey = entriesByKey(log);
    let dupAcks = 0;
    for (const v of voters) {
      dupAcks += v.client.dupAcks;
      for (let n = 0; n < VOTES_EACH; n++) {
        const id = `v${v.k}-${n}`;
        const found = byKey.get(`${v.clientId}/${id}`) ?? [];
        expect(found, `${id} exactly once`).toHaveLength(1);
        expect(v.client.acked.get(id)?.serial, `${id}: the ack names its entry`).toBe(found[0]?.serial);
      }
    }
    const ours = log.filter((e) => e.clientId === host.clientId && e.name === 'chat.send').map((e) => e.id);
    expect(ours, 'the queued actions: each once, in the order queued').toEqual(chatIds);

    // ---- views: staff counts each acked vote once; every audience copy equals a fresh one -----
    const staff = await freshView(C.url, host.token, 'staff');
    extra.push(staff);
    const audience = await freshView(B.url, host.token, 'audience');
    extra.push(audience);
    const staffDoc = staff.views.staff?.doc as StaffDoc;
    expect(staffDoc.polls.p1?.ballots).toBe(AUDIENCE);
    expect(staffDoc.polls.p1?.tallies).toEqual(expectedTallies);
    for (const v of voters) {
      await v.client.until(() => {
        const self = v.client.self as { ballots?: Record<string, string[]> } | null;
        return self?.ballots?.p1?.[0] === finalVote.get(v.clientId) ? true : undefined;
      }, 10_000, `voter ${v.k}'s own ballot (P22)`);
    }
    // Presence: once the dead node's sample expires (TTL), the survivors' sum is the audience.
    await waitUntil(() => {
      const ref = audience.views.audience?.doc;
      const online = (ref as StaffDoc | undefined)?.audience.online;
      return online === AUDIENCE && voters.every((v) => isDeepStrictEqual(v.client.view?.doc, ref)); // key order of maps is not state
    }, 'every audience copy to equal a fresh subscriber’s, with presence summed over the survivors', 45_000, 100);
    for (const v of voters) expect(v.client.view?.doc).toEqual(audience.views.audience?.doc);

    // The console's mirror equals a fresh staff view; its stats list only the survivors.
    await waitUntil(async () => {
      const mirror = must(await console_.request('view/get', {}));
      return mirror !== null && isDeepStrictEqual(mirror.doc, staff.views.staff?.doc);
    }, 'the console mirror to equal a fresh staff view', 30_000, 100);
    await waitUntil(() => {
      const s = lastStats as StatsFrame | null;
      return s && s.nodes.map((n) => n.node).sort().join() === 'B,C' && s.audienceOnline === AUDIENCE;
    }, 'stats to list the two survivors', 30_000, 100);

    const patched = movedFromA.filter((v) => v.client.resumedBy[0] === 'patch').length;
    const consoleDups = [...(await outbox()).values()].filter((i) => i.dup).length;
    console.log(
      `[failover] ${AUDIENCE} clients, ${AUDIENCE * VOTES_EACH} votes; A killed after ${KILL_AFTER_ACKS} acks; ` +
        `${inFlightAtKill} voters with a vote in flight to A at the kill, ${movedFromA.length} clients moved (${patched} resumed by patch, ${movedFromA.length - patched} by snapshot), ` +
        `${dupAcks} dup acks to voters, ${consoleDups} to the console, log serial ${log.length}; after the kill: every vote acked in ${votersSettledMs} ms, ` +
        `the console's outbox drained in ${consoleSettledMs} ms, views and presence right in ${Date.now() - killedAt} ms`,
    );
  });
});
