/** Issue 3 burst: 1,000 audience connections vote once each within a second. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubFrame } from '../../src/shared/protocol';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

const N = 1_000;
let hub: HubProcess;

beforeAll(async () => {
  hub = await startHubProcess({ args: ['--join-rate', '100000'] });
});
afterAll(async () => {
  await hub.kill();
});

describe('burst', () => {
  it('P12 P19 P21 1,000 votes within a second: every vote acked, tallies exact, every audience view converges', async () => {
    const ev = await createEvent(hub.url, 'Burst');
    const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    await host.pub('c', 'poll.create', { pollId: 'p', question: 'Pick', kind: 'single', options: ['a', 'b', 'c', 'd'].map((id) => ({ id, label: id.toUpperCase() })) });
    await host.pub('o', 'poll.open', { pollId: 'p' });
    await host.pub('r', 'poll.reveal', { pollId: 'p', visible: true });

    const audience: TestClient[] = [];
    for (let i = 0; i < N; i += 50) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, N - i) }, async () => {
          const c = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
          c.send({ t: 'sub', view: 'audience' });
          return c;
        }),
      );
      audience.push(...batch);
    }
    await Promise.all(audience.map((c) => c.until(() => c.views.audience)));

    const choice = (i: number): string => 'abcd'[i % 4] as string;
    audience.forEach((c, i) => c.send({ t: 'pub', id: 'vote-1', name: 'vote.cast', data: { pollId: 'p', optionIds: [choice(i)] } }));
    const acks = await Promise.all(audience.map((c) => c.waitFor((f) => (f.t === 'ack' || f.t === 'nack') && f.id === 'vote-1', { timeoutMs: 60_000 })));
    expect(acks.every((a: HubFrame) => a.t === 'ack' && a.applied)).toBe(true);
    const serials = acks.map((a) => (a.t === 'ack' ? a.serial : 0));
    expect(new Set(serials).size).toBe(N);
    const lastVote = Math.max(...serials);

    const expected = { a: N / 4, b: N / 4, c: N / 4, d: N / 4 };
    host.send({ t: 'sub', view: 'staff' });
    const staff = await host.until(() => {
      const v = host.views.staff;
      return v && v.serial >= lastVote ? (v.doc as { polls: { p: { tallies: Record<string, number>; ballots: number } } }) : undefined;
    });
    expect(staff.polls.p.tallies).toEqual(expected);
    expect(staff.polls.p.ballots).toBe(N);

    // Every subscriber converges on the same view (compared without presence, which moves).
    const strip = (d: unknown): unknown => ({ ...(d as object), audience: null });
    const settled = await Promise.all(
      audience.map((c) =>
        c.until(() => {
          const v = c.views.audience;
          const doc = v?.doc as { polls: { p: { ballots: number } } } | undefined;
          return doc && doc.polls.p.ballots === N ? strip(doc) : undefined;
        }, 60_000),
      ),
    );
    for (const s of settled) expect(s).toEqual(settled[0]);
    expect((settled[0] as { polls: { p: { tallies: unknown } } }).polls.p.tallies).toEqual(expected);
    host.close();
    for (const c of audience) c.close();
  });
});
