/**
 * P30 against the real hub process, with `streamDelayMs` 3,000: a stream viewer (joined with
 * `"watching":"stream"`) sees a poll open and close about 3 s after the room does, its ballot
 * still counts a second after the close while a room viewer's is refused, and its quiz answer,
 * given the moment it sees the question, scores like a room viewer's given at once (and better
 * than a room viewer answering at that same late moment).
 *
 * Times are hub time: log entries' `ts`, and the moment a phone applied a frame, put on the hub
 * clock with the offset a ping/pong measured (P10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AudienceView, StaffView } from '../../src/shared/domain/types';
import type { HubFrame, WireEntry } from '../../src/shared/protocol';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { waitUntil } from '../helpers/wait';

const DELAY = 3_000;
/** How late after its due time a frame may arrive: ticks are 100 ms; the rest is a loaded machine. */
const SLACK = 1_500;

const hubs: HubProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.kill();
});

/** hub time − this process's time, from one ping/pong. */
async function clockOffset(c: TestClient): Promise<number> {
  const sent = Date.now();
  c.send({ t: 'ping', id: 'clock', ts: sent });
  const pong = (await c.waitFor((f) => f.t === 'pong' && f.id === 'clock')) as Extract<HubFrame, { t: 'pong' }>;
  return pong.hubTime - (sent + Date.now()) / 2;
}

/**
 * Resolves with the hub time at which `c`'s audience view first satisfies `seen`, checked as
 * each frame is applied (the TestClient's own listener runs first); `then` runs at that moment.
 */
function whenSeen(c: TestClient, offset: number, seen: (v: AudienceView) => boolean, then?: () => void): Promise<number> {
  return new Promise((resolve) => {
    const check = (): void => {
      const doc = c.views.audience?.doc as AudienceView | undefined;
      if (!doc || !seen(doc)) return;
      c.ws.off('message', check);
      then?.();
      resolve(Date.now() + offset);
    };
    c.ws.on('message', check);
    check();
  });
}

describe('P30 stream delay (embedded hub process)', () => {
  it('a stream viewer sees the poll 3 s late, votes 1 s after the close, and scores its quiz answer as if on time', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Stream delay');
    const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    const phone = async (name: string, watching?: 'stream'): Promise<{ c: TestClient; clientId: string }> => {
      const j = await joinAudience(hub.url, ev.joinCode, name, watching);
      const c = await TestClient.connect(hub.url, j.token);
      clients.push(c);
      c.send({ t: 'sub', view: 'audience' });
      await c.waitFor((f) => f.t === 'sync');
      return { c, clientId: j.clientId };
    };
    clients.push(host);
    host.send({ t: 'sub', view: 'staff' });
    host.send({ t: 'sub', view: 'log', since: 0 });
    const entry = (id: string): Promise<WireEntry> =>
      host.until(() => host.frames.flatMap((f) => (f.t === 'log' ? f.entries : [])).find((e) => e.id === id), 30_000, `log entry ${id}`);
    expect(await host.pub('delay', 'event.update', { settings: { streamDelayMs: DELAY } })).toMatchObject({ applied: true });

    const room = await phone('Room');
    const lateRoom = await phone('Late room');
    const stream = await phone('Stream', 'stream');
    const offset = await clockOffset(host);
    const hubNow = (): number => Date.now() + offset;

    // Opening: the room sees it at once, the stream viewer the delay later.
    expect(await host.pub('c1', 'poll.create', { pollId: 'p1', question: 'Tea?', kind: 'single', options: [{ id: 'y', label: 'Yes' }, { id: 'n', label: 'No' }] })).toMatchObject({ applied: true });
    const isOpen = (v: AudienceView): boolean => v.polls.p1?.status === 'open';
    const roomSawOpen = whenSeen(room.c, offset, isOpen);
    const streamSawOpen = whenSeen(stream.c, offset, isOpen);
    expect(await host.pub('o1', 'poll.open', { pollId: 'p1' })).toMatchObject({ applied: true });
    const opened = (await entry('o1')).ts;
    const [roomOpen, streamOpen] = await Promise.all([roomSawOpen, streamSawOpen]);
    expect(roomOpen - opened).toBeLessThan(SLACK);
    expect(streamOpen - opened).toBeGreaterThanOrEqual(DELAY);
    expect(streamOpen - opened).toBeLessThan(DELAY + SLACK);
    expect(streamOpen - roomOpen).toBeGreaterThan(DELAY - SLACK);

    // Closing: a second after the close the stream still shows the poll open and its vote counts; the room's does not.
    const isClosed = (v: AudienceView): boolean => v.polls.p1?.status === 'closed';
    const streamSawClose = whenSeen(stream.c, offset, isClosed);
    expect(await host.pub('x1', 'poll.close', { pollId: 'p1' })).toMatchObject({ applied: true });
    const closed = (await entry('x1')).ts;
    await whenSeen(room.c, offset, isClosed);
    await waitUntil(() => hubNow() >= closed + 1_000, 'a second after the close', 10_000, 10);
    expect((stream.c.views.audience?.doc as AudienceView).polls.p1?.status).toBe('open');
    expect(await room.c.pub('v-room', 'vote.cast', { pollId: 'p1', optionIds: ['y'] })).toMatchObject({ t: 'ack', applied: false, reason: 'poll_not_open' });
    expect(await stream.c.pub('v-stream', 'vote.cast', { pollId: 'p1', optionIds: ['n'] })).toMatchObject({ t: 'ack', applied: true });
    const voted = (await entry('v-stream')).ts;
    expect(voted - closed).toBeGreaterThanOrEqual(1_000);
    expect(voted - closed).toBeLessThan(DELAY);
    const streamClose = await streamSawClose;
    expect(streamClose - closed).toBeGreaterThanOrEqual(DELAY);
    expect(streamClose - closed).toBeLessThan(DELAY + SLACK);
    // Once the stream shows the close too, its window is over.
    expect(await stream.c.pub('v-stream-2', 'vote.cast', { pollId: 'p1', optionIds: ['y'] })).toMatchObject({ t: 'ack', applied: false, reason: 'poll_not_open' });
    await host.until(() => {
      const p = (host.views.staff?.doc as StaffView | undefined)?.polls.p1;
      return p && p.ballots === 1 && p.tallies?.n === 1 ? p : undefined;
    });

    // Quiz: everyone answers correctly the moment their own screen shows the question.
    const question = { id: 'q1', prompt: '2+2?', options: [{ id: 'a', label: '4' }, { id: 'b', label: '5' }], correctOptionId: 'a', timeLimitMs: 10_000, points: 1_000 };
    expect(await host.pub('z1', 'quiz.create', { quizId: 'z', title: 'Trivia', questions: [question] })).toMatchObject({ applied: true });
    const answer = (c: TestClient, id: string) => (): void => c.send({ t: 'pub', id, name: 'quiz.answer', data: { quizId: 'z', questionId: 'q1', optionId: 'a' } });
    const showsQuestion = (v: AudienceView): boolean => v.quizzes.z?.current?.questionId === 'q1';
    const roomSaw = whenSeen(room.c, offset, showsQuestion, answer(room.c, 'a-room'));
    const streamSaw = whenSeen(stream.c, offset, showsQuestion, () => {
      answer(stream.c, 'a-stream')();
      answer(lateRoom.c, 'a-late')(); // a room viewer answering at the stream viewer's moment
    });
    expect(await host.pub('n1', 'quiz.next', { quizId: 'z' })).toMatchObject({ applied: true });
    const asked = (await entry('n1')).ts;
    expect((await streamSaw) - (await roomSaw)).toBeGreaterThan(DELAY - SLACK);
    for (const [c, id] of [[room.c, 'a-room'], [stream.c, 'a-stream'], [lateRoom.c, 'a-late']] as const) {
      expect(await c.waitFor((f) => f.t === 'ack' && f.id === id)).toMatchObject({ applied: true });
    }
    expect((await entry('a-stream')).ts - asked).toBeGreaterThanOrEqual(DELAY);
    expect(await host.pub('r1', 'quiz.reveal', { quizId: 'z' })).toMatchObject({ applied: true });
    const board = await host.until(() => {
      const b = (host.views.staff?.doc as StaffView | undefined)?.quizzes.z?.leaderboard;
      return b && b.length === 3 ? b : undefined;
    });
    const score = (clientId: string): number => board.find((r) => r.clientId === clientId)?.score ?? -1;
    // 1,000 points less half of them over the 10 s limit: SLACK late costs at most 75 points.
    expect(score(room.clientId)).toBeGreaterThan(1_000 - 75);
    expect(Math.abs(score(stream.clientId) - score(room.clientId))).toBeLessThanOrEqual(75);
    // The same moment from the room is 3 s late: at least 150 points fewer.
    expect(score(lateRoom.clientId)).toBeLessThanOrEqual(score(stream.clientId) - 150 + 75);
    expect(score(lateRoom.clientId)).toBeLessThan(1_000 - 100);
  }, 60_000);
});
