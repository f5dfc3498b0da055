/**
 * Issue 7, clustered hub: three hub processes (`--engine redis --node A|B|C`, one admin key)
 * on one real redis-server. The host works on node A, the audience is split over nodes B and
 * C. Every publish is visible on every node, the log is one log (P15: gapless serials, the same
 * on every node), P14 holds across nodes, and `stats` (P23) lists the cluster's nodes with
 * their summed presence. Skips, saying why, when redis-server is not installed.
 */
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckFrame, HubFrame, StatsFrame, WireEntry } from '../../src/shared/protocol';
import { entriesByKey, freshView, readWholeLog, startCluster, type Cluster } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { createEvent, joinAudience, staffToken } from '../helpers/hub-process';
import { hasRedis, redisSkipReason } from '../helpers/redis-server';
import { TestClient } from '../helpers/test-client';

if (!hasRedis) console.warn(`tests/cluster/cross-node.test.ts: ${redisSkipReason}`);

const PER_NODE = 8;
const OPTIONS = ['a', 'b', 'c'];

interface Member {
  client: TestClient;
  clientId: string;
  token: string;
  node: string;
}

type Doc = {
  polls: Record<string, { tallies: Record<string, number> | null; ballots: number }>;
  questions: Record<string, { status: string; upvotes: number }>;
  chat: Array<{ id: string; text: string }>;
  audience: { online: number };
};

async function mustAck(c: TestClient, id: string, name: string, data: unknown): Promise<AckFrame> {
  const f = await c.pub(id, name, data);
  if (f.t !== 'ack') throw new Error(`${name} ${id} not acked: ${JSON.stringify(f)}`);
  return f;
}

describe.skipIf(!hasRedis)('cluster: three hub nodes on one Redis', () => {
  let cluster: Cluster;
  const open: TestClient[] = [];

  beforeAll(async () => {
    cluster = await startCluster(['A', 'B', 'C']);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await cluster?.stop();
  });

  it('P14 P15 P19 P23: host on A, audience on B and C: one log, the same everywhere; dups answered across nodes; stats list the nodes', async () => {
    const [A, B, C] = [cluster.node('A'), cluster.node('B'), cluster.node('C')];
    // Created on A, token from B, joins on B and C: any node serves any request (shared Redis, shared admin key).
    const ev = await createEvent(A.url, 'Cluster');
    const host = await staffToken(B.url, ev.eventId, 'host', 'Host');
    const hostClient = await TestClient.connect(A.url, host.token);
    open.push(hostClient);
    expect(hostClient.frames[0]).toMatchObject({ t: 'welcome', node: 'A', role: 'host' });
    hostClient.send({ t: 'sub', view: 'staff' });

    const members: Member[] = [];
    for (const node of [B, C]) {
      for (let i = 0; i < PER_NODE; i++) {
        const j = await joinAudience(node.url, ev.joinCode, `${node.name}${i}`);
        const client = await TestClient.connect(node.url, j.token);
        open.push(client);
        expect(client.frames[0]).toMatchObject({ t: 'welcome', node: node.name, role: 'audience' });
        client.send({ t: 'sub', view: 'audience' });
        members.push({ client, clientId: j.clientId, token: j.token, node: node.name });
      }
    }
    const epochs = new Set([hostClient, ...members.map((m) => m.client)].map((c) => (c.frames[0]?.t === 'welcome' ? c.frames[0].epoch : '')));
    expect(epochs.size, 'one epoch on every node (P15)').toBe(1);

    // ---- traffic from every node ----------------------------------------------------------
    const acks: Array<{ clientId: string; ack: AckFrame }> = [];
    const hostPub = async (id: string, name: string, data: unknown): Promise<void> => {
      acks.push({ clientId: host.clientId, ack: await mustAck(hostClient, id, name, data) });
    };
    await hostPub('h1', 'poll.create', { pollId: 'p1', question: 'Which?', kind: 'single', options: OPTIONS.map((id) => ({ id, label: id.toUpperCase() })) });
    await hostPub('h2', 'poll.open', { pollId: 'p1' });
    await hostPub('h3', 'poll.reveal', { pollId: 'p1', visible: true });
    const expectedTallies: Record<string, number> = { a: 0, b: 0, c: 0 };
    await Promise.all(
      members.map(async (m, k) => {
        const option = OPTIONS[k % OPTIONS.length] as string;
        expectedTallies[option] = (expectedTallies[option] ?? 0) + 1;
        acks.push({ clientId: m.clientId, ack: await mustAck(m.client, `v${k}`, 'vote.cast', { pollId: 'p1', optionIds: [option] }) });
        acks.push({ clientId: m.clientId, ack: await mustAck(m.client, `q${k}`, 'question.ask', { questionId: `q-${m.clientId}`, text: `Question from ${m.node}${k}?` }) });
        acks.push({ clientId: m.clientId, ack: await mustAck(m.client, `c${k}`, 'chat.send', { messageId: `chat-${m.clientId}`, text: `hello from node ${m.node}` }) });
      }),
    );
    for (const [k, m] of members.entries()) await hostPub(`mod${k}`, 'question.moderate', { questionId: `q-${m.clientId}`, status: 'approved' });
    // Everyone upvotes the first question (asked on B); approvals were made on A.
    const firstQ = `q-${members[0]?.clientId}`;
    await Promise.all(members.map(async (m, k) => acks.push({ clientId: m.clientId, ack: await mustAck(m.client, `u${k}`, 'question.upvote', { questionId: firstQ }) })));
    await hostPub('h4', 'chat.send', { messageId: 'host-chat', text: 'welcome, everyone' });
    const lastAcked = Math.max(...acks.map((a) => a.ack.serial));

    // ---- every node's views converge on the same state ------------------------------------
    const freshA = await freshView(A.url, host.token, 'audience');
    open.push(freshA);
    const staffDoc = (): Doc | undefined => hostClient.views.staff?.doc as Doc | undefined;
    await waitUntil(() => {
      const s = staffDoc();
      const ref = freshA.views.audience?.doc;
      return (
        s?.polls.p1?.ballots === members.length &&
        s.audience.online === members.length &&
        (hostClient.views.staff?.serial ?? 0) >= lastAcked &&
        members.every((m) => isDeepStrictEqual(m.client.views.audience?.doc, ref)) // maps: key order is not part of the state
      );
    }, () => {
      const s = staffDoc();
      const off = members.filter((m) => !isDeepStrictEqual(m.client.views.audience?.doc, freshA.views.audience?.doc)).map((m) => `${m.node}@${m.client.views.audience?.serial}`);
      return `the views to converge: staff serial ${hostClient.views.staff?.serial} (last ack ${lastAcked}), ballots ${s?.polls.p1?.ballots}, online ${s?.audience.online}; fresh A@${freshA.views.audience?.serial}; differing: ${off.join(' ')}`;
    }, 30_000);
    const staff = staffDoc() as Doc;
    expect(staff.polls.p1?.tallies).toEqual(expectedTallies);
    expect(staff.questions[firstQ]?.upvotes).toBe(members.length);
    const audience = freshA.views.audience?.doc as Doc;
    expect(audience.polls.p1?.tallies).toEqual(expectedTallies);
    expect(Object.values(audience.questions).filter((q) => q.status === 'approved')).toHaveLength(members.length);
    const chatIds = audience.chat.map((m) => m.id).sort();
    expect(chatIds).toEqual([...members.map((m) => `chat-${m.clientId}`), 'host-chat'].sort());
    for (const m of members) expect(m.client.views.audience?.doc).toEqual(audience);

    // ---- stats (P23): the cluster's nodes and their summed presence -------------------------
    hostClient.send({ t: 'sub', view: 'stats' });
    const nodesOf = (f: StatsFrame): string => f.nodes.map((n) => `${n.node}:${n.online}`).sort().join(' ');
    const stats = (await hostClient.waitFor((f) => f.t === 'stats' && nodesOf(f) === `A:0 B:${PER_NODE} C:${PER_NODE}` && f.audienceOnline === 2 * PER_NODE, { timeoutMs: 30_000 })) as StatsFrame;
    expect(stats.node).toBe('A');
    hostClient.send({ t: 'unsub', view: 'stats' });

    // ---- P18 across nodes: a view held from node B resumes on node C by patch -----------------
    // Presence is settled and nothing else is published, so a lone entry is the view's serial on
    // every node (a node labels its view with the serial it had applied when it ticked); once a
    // subscriber on C got it, C's ring of recent views holds it too.
    const m0 = members[0] as Member; // on B
    const onCMember = members[PER_NODE] as Member;
    const lone = await mustAck(hostClient, 'h5', 'chat.send', { messageId: 'lone', text: 'one message alone' });
    await m0.client.until(() => (m0.client.views.audience?.serial === lone.serial ? true : undefined), 30_000, 'the lone entry on B');
    await onCMember.client.until(() => (onCMember.client.views.audience?.serial === lone.serial ? true : undefined), 30_000, 'the lone entry on C');
    const held = { ...(m0.client.views.audience as { serial: number; epoch: string; doc: unknown }) };
    const next = await mustAck(hostClient, 'h6', 'chat.send', { messageId: 'next', text: 'and one more' });
    const watcherC = await freshView(C.url, host.token, 'audience');
    open.push(watcherC);
    await watcherC.until(() => ((watcherC.views.audience?.serial ?? 0) >= next.serial ? true : undefined), 30_000, 'C to apply the next entry');
    const resumer = await TestClient.connect(C.url, m0.token);
    open.push(resumer);
    resumer.views.audience = held; // the copy this client held on B
    const at = resumer.frames.length;
    resumer.send({ t: 'sub', view: 'audience', since: held.serial, epoch: held.epoch });
    const resumed = await resumer.waitFor((f) => f.t === 'sync', { from: at });
    expect(resumed).toMatchObject({ t: 'sync', view: 'audience', base: held.serial, epoch: held.epoch });
    expect(resumer.views.audience?.doc).toEqual(watcherC.views.audience?.doc);
    acks.push({ clientId: host.clientId, ack: lone }, { clientId: host.clientId, ack: next });

    // ---- P14 across nodes --------------------------------------------------------------------
    const first = await mustAck(m0.client, 'dup-1', 'chat.send', { messageId: 'dup-1', text: 'once' });
    const onC = await TestClient.connect(C.url, m0.token);
    open.push(onC);
    const again = await onC.pub('dup-1', 'chat.send', { messageId: 'dup-1', text: 'once' });
    expect(again).toMatchObject({ t: 'ack', id: 'dup-1', serial: first.serial, dup: true, applied: first.applied });
    const hostOnB = await TestClient.connect(B.url, host.token);
    open.push(hostOnB);
    const hostAgain = await hostOnB.pub('h1', 'poll.create', { pollId: 'p1', question: 'Which?', kind: 'single', options: OPTIONS.map((id) => ({ id, label: id })) });
    expect(hostAgain).toMatchObject({ t: 'ack', serial: acks[0]?.ack.serial, dup: true });
    // The same new id sent to two nodes at once: stored once; both answers name that serial.
    const m1 = members[1] as Member; // on C
    const onB = await TestClient.connect(B.url, m1.token);
    open.push(onB);
    const race = (await Promise.all([
      m1.client.pub('race-1', 'chat.send', { messageId: 'race-1', text: 'race' }),
      onB.pub('race-1', 'chat.send', { messageId: 'race-1', text: 'race' }),
    ])) as HubFrame[];
    const raceAcks = race.filter((f): f is AckFrame => f.t === 'ack');
    expect(raceAcks).toHaveLength(2);
    expect(raceAcks[0]?.serial).toBe(raceAcks[1]?.serial);
    expect(raceAcks.filter((f) => !f.dup)).toHaveLength(1);

    // ---- one log: every node serves the same history, gapless (P15, P17) ---------------------
    const expectedLast = Math.max(...acks.map((a) => a.ack.serial), first.serial, raceAcks[0]?.serial ?? 0);
    const logs = await waitUntil(async () => {
      const all = await Promise.all([A, B, C].map((n) => readWholeLog(n.url, host.token)));
      return all[0] && all[0].length >= expectedLast && all.every((l) => isDeepStrictEqual(l, all[0])) ? all : undefined;
    }, 'identical histories on A, B and C', 30_000, 200);
    const log = logs[0] as WireEntry[];
    expect(log.map((e) => e.serial)).toEqual(log.map((_, i) => i + 1));
    const byKey = entriesByKey(log);
    for (const { clientId, ack } of acks) {
      const found = byKey.get(`${clientId}/${ack.id}`) ?? [];
      expect(found, `${clientId}/${ack.id} exactly once`).toHaveLength(1);
      expect(found[0]?.serial).toBe(ack.serial);
    }
    expect(byKey.get(`${m0.clientId}/dup-1`)).toHaveLength(1);
    expect(byKey.get(`${m1.clientId}/race-1`)).toHaveLength(1);
    expect(log.filter((e) => e.clientId === 'hub').every((e) => e.name === 'hub.presence')).toBe(true);
  });
});
