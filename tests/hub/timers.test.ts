/** P28/P29 against the real hub process: timed polls close by themselves, quizzes reveal by themselves, status has effect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubFrame } from '../../src/shared/protocol';
import type { AudienceView, StaffView } from '../../src/shared/domain';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess;
const clients: TestClient[] = [];
const track = (c: TestClient): TestClient => (clients.push(c), c);
const OPTS = [
  { id: 'a', label: 'A' },
  { id: 'b', label: 'B' },
];
const acked = (f: HubFrame) => (f.t === 'ack' ? { applied: f.applied, reason: f.reason } : { nack: f.t === 'nack' ? f.code : f.t });

beforeAll(async () => {
  hub = await startHubProcess();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await hub.kill();
});

async function setup(): Promise<{ host: TestClient; phone: TestClient }> {
  const ev = await createEvent(hub.url, 'Timers');
  const host = track(await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token));
  const phone = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode, 'Ann')).token));
  host.send({ t: 'sub', view: 'staff' });
  phone.send({ t: 'sub', view: 'audience' });
  return { host, phone };
}
const staff = (c: TestClient) => c.views.staff?.doc as StaffView | undefined;
const audience = (c: TestClient) => c.views.audience?.doc as AudienceView | undefined;

describe('P28 hub timers', () => {
  it('a timed poll closes by itself: the hub appends poll.close with clientId hub and id close:<pollId>:<serial>', async () => {
    const { host, phone } = await setup();
    await host.pub('c1', 'poll.create', { pollId: 'p', question: 'Quick?', kind: 'single', options: OPTS, durationMs: 1_500 });
    const open = await host.pub('o1', 'poll.open', { pollId: 'p' });
    expect(acked(open)).toEqual({ applied: true, reason: undefined });
    const openedSerial = open.t === 'ack' ? open.serial : -1;
    await phone.until(() => (audience(phone)?.polls.p?.closesAt ? true : undefined));
    expect(acked(await phone.pub('v1', 'vote.cast', { pollId: 'p', optionIds: ['a'] }))).toEqual({ applied: true, reason: undefined });
    await phone.until(() => (audience(phone)?.polls.p?.status === 'closed' ? true : undefined), 30_000, 'the poll to close by itself');
    expect(staff(host)?.polls.p).toMatchObject({ status: 'closed', closesAt: null, ballots: 1 });
    host.send({ t: 'history', from: 1, limit: 100 });
    const h = await host.waitFor((f) => f.t === 'history');
    const close = h.t === 'history' ? h.entries.find((e) => e.name === 'poll.close') : undefined;
    expect(close).toMatchObject({ clientId: 'hub', id: `close:p:${openedSerial}`, data: { pollId: 'p' } });
    expect(acked(await phone.pub('v2', 'vote.cast', { pollId: 'p', optionIds: ['b'] }))).toEqual({ applied: false, reason: 'poll_not_open' });
  });

  it('an auto-revealing quiz reveals its question by itself when time is up', async () => {
    const { host, phone } = await setup();
    const questions = [{ id: 'q1', prompt: 'Two plus two?', options: OPTS, correctOptionId: 'a', timeLimitMs: 1_500, points: 100 }];
    await host.pub('z1', 'quiz.create', { quizId: 'z', title: 'Auto', questions, autoReveal: true });
    await host.pub('z2', 'quiz.next', { quizId: 'z' });
    await phone.until(() => (audience(phone)?.quizzes.z?.current?.revealed ? true : undefined), 30_000, 'the auto reveal');
    expect(audience(phone)?.quizzes.z?.questions[0]?.correctOptionId).toBe('a');
  });
});

describe('P29 event status', () => {
  it('opening a poll makes a scheduled event live; ending it closes the poll and refuses the audience with event_ended', async () => {
    const { host, phone } = await setup();
    await host.until(() => (staff(host)?.event.status === 'scheduled' ? true : undefined));
    await host.pub('c1', 'poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: OPTS });
    await host.pub('o1', 'poll.open', { pollId: 'p' });
    await host.until(() => (staff(host)?.event.status === 'live' ? true : undefined));
    expect(acked(await host.pub('e1', 'event.update', { status: 'ended' }))).toEqual({ applied: true, reason: undefined });
    await phone.until(() => (audience(phone)?.event.status === 'ended' && audience(phone)?.polls.p?.status === 'closed' ? true : undefined));
    for (const [name, data] of [
      ['vote.cast', { pollId: 'p', optionIds: ['a'] }],
      ['question.ask', { questionId: 'q', text: 'Too late?' }],
      ['chat.send', { messageId: 'm', text: 'hello' }],
    ] as const) {
      expect(acked(await phone.pub(`late-${name}`, name, data))).toEqual({ applied: false, reason: 'event_ended' });
    }
    expect(acked(await host.pub('o2', 'poll.open', { pollId: 'p' }))).toEqual({ applied: false, reason: 'event_ended' });
  });
});
