/** PROTOCOL.md against the real hub process: each test names the requirement it pins down. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AckFrame, HistoryFrame, HubFrame, LogFrame, StatsFrame, WelcomeFrame } from '../../src/shared/protocol';
import { ADMIN_KEY, hubTokenAuthority, createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess;
let ev: { eventId: string; joinCode: string };
let host: TestClient;
const clients: TestClient[] = [];

const track = (c: TestClient): TestClient => (clients.push(c), c);
const ack = (f: HubFrame): AckFrame => {
  if (f.t !== 'ack') throw new Error(`expected ack, got ${JSON.stringify(f)}`);
  return f;
};

beforeAll(async () => {
  hub = await startHubProcess();
  ev = await createEvent(hub.url, 'Protocol test');
  host = track(await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token));
});
afterAll(async () => {
  for (const c of clients) c.close();
  await hub.kill();
});

describe('HTTP API', () => {
  it('P4 creates events only with the admin key, with an unambiguous 6-character join code', async () => {
    const denied = await fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"x"}' });
    expect(denied.status).toBe(401);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    for (let i = 0; i < 20; i++) {
      const e = await createEvent(hub.url, `E${i}`);
      expect(e.joinCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    }
    const bad = await fetch(`${hub.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: '{"title":""}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid');
  });

  it('P5 issues staff tokens for host, moderator and producer; refuses other roles and unknown events', async () => {
    for (const role of ['host', 'moderator', 'producer'] as const) {
      const t = await staffToken(hub.url, ev.eventId, role, role);
      expect(t.token.split('.')).toHaveLength(3);
      expect(t.expiresAt).toBeGreaterThan(Date.now());
    }
    const post = (body: unknown) =>
      fetch(`${hub.url}/v1/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(body) });
    expect((await post({ eventId: ev.eventId, role: 'audience', name: 'x' })).status).toBe(400);
    expect((await post({ eventId: 'evt_nope', role: 'host', name: 'x' })).status).toBe(404);
  });

  it('P6 joins by code (case-insensitive) as audience; an unknown code is 404', async () => {
    const j = await joinAudience(hub.url, ev.joinCode.toLowerCase(), 'Ann');
    expect(j.eventId).toBe(ev.eventId);
    const c = track(await TestClient.connect(hub.url, j.token));
    expect((c.frames[0] as WelcomeFrame).role).toBe('audience');
    const res = await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"ZZZZZZ"}' });
    expect(res.status).toBe(404);
  });

  it('P7 serves health and Prometheus metrics', async () => {
    const h = (await (await fetch(`${hub.url}/v1/health`)).json()) as { status: string; node: string; uptimeS: number };
    expect(h.status).toBe('ok');
    expect(typeof h.node).toBe('string');
    expect(h.uptimeS).toBeGreaterThanOrEqual(0);
    const m = await (await fetch(`${hub.url}/metrics`)).text();
    expect(m).toContain('stagecall_connections');
    expect(m).toContain('stagecall_ack_latency_seconds_bucket');
    expect(m).toContain('stagecall_process_resident_memory_bytes');
  });

  it('answers unknown paths and bad bodies with the error shape', async () => {
    const r = await fetch(`${hub.url}/v1/nothing`);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const j = await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(j.status).toBe(400);
    expect(((await j.json()) as { error: { code: string } }).error.code).toBe('malformed');
  });
});

describe('session', () => {
  it('P1 P9 welcome carries identity, epoch, node, hub time and limits over subprotocol stagecall.v1', async () => {
    const t = await staffToken(hub.url, ev.eventId, 'moderator', 'Mo');
    const c = track(await TestClient.connect(hub.url, t.token));
    expect(c.ws.protocol).toBe('stagecall.v1');
    const w = c.frames[0] as WelcomeFrame;
    expect(w).toMatchObject({ t: 'welcome', clientId: t.clientId, role: 'moderator', eventId: ev.eventId, limits: { maxFrameBytes: 65536, syncHz: 10 } });
    expect(w.epoch.length).toBeGreaterThan(0);
    expect(Math.abs(w.hubTime - Date.now())).toBeLessThan(60_000);
    // Staff learn the event's join code (protocol-notes 46); the audience joined by it and is not told.
    expect(w.joinCode).toBe(ev.joinCode);
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode, 'Au')).token));
    expect((aud.frames[0] as WelcomeFrame).joinCode).toBeUndefined();
  });

  it('P9 P25 a bad token gets error unauthorized and close 4001', async () => {
    const c = track(await TestClient.open(hub.url));
    c.send({ t: 'hello', token: 'not-a-token' });
    expect(await c.waitFor((f) => f.t === 'error')).toMatchObject({ code: 'unauthorized' });
    expect((await c.waitClosed()).code).toBe(4001);
  });

  it('P8 P9 an expired token is refused with 4001', async () => {
    const expired = await hubTokenAuthority(hub).issue({ clientId: 'host_x', eventId: ev.eventId, role: 'host', name: 'Old' }, -60);
    const c = track(await TestClient.open(hub.url));
    c.send({ t: 'hello', token: expired.token });
    expect(await c.waitFor((f) => f.t === 'error')).toMatchObject({ code: 'unauthorized', message: 'token expired' });
    expect((await c.waitClosed()).code).toBe(4001);
  });

  it('P8 P25 a token for another event is refused with 4003', async () => {
    const other = await createEvent(hub.url, 'Other');
    const t = await staffToken(hub.url, other.eventId);
    const c = track(await TestClient.open(hub.url));
    c.send({ t: 'hello', token: t.token, eventId: ev.eventId });
    expect(await c.waitFor((f) => f.t === 'error')).toMatchObject({ code: 'forbidden' });
    expect((await c.waitClosed()).code).toBe(4003);
  });

  it('P10 ping is answered with pong echoing ts', async () => {
    host.send({ t: 'ping', id: 'p1', ts: 12345.5 });
    const p = await host.waitFor((f) => f.t === 'pong' && f.id === 'p1');
    expect(p).toMatchObject({ t: 'pong', id: 'p1', ts: 12345.5 });
  });
});

describe('publishing', () => {
  it('P12 acks a publish with its serial after applying it; applied:false with a reason when it has no effect', async () => {
    const created = ack(await host.pub('pc-1', 'poll.create', { pollId: 'p1', question: 'Best?', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }));
    expect(created.applied).toBe(true);
    expect(created.serial).toBeGreaterThan(0);
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode, 'Voter')).token));
    const early = ack(await aud.pub('v-1', 'vote.cast', { pollId: 'p1', optionIds: ['a'] }));
    expect(early).toMatchObject({ applied: false, reason: expect.any(String) });
    ack(await host.pub('po-1', 'poll.open', { pollId: 'p1' }));
    const vote = ack(await aud.pub('v-2', 'vote.cast', { pollId: 'p1', optionIds: ['a'] }));
    expect(vote.applied).toBe(true);
    expect(vote.serial).toBeGreaterThan(early.serial);
  });

  it('P13 refuses what a role may not publish (forbidden), bad data (invalid) and oversized data (too_large); none reaches the log', async () => {
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token));
    expect(await aud.pub('x-1', 'poll.create', { pollId: 'evil', question: 'q', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] })).toMatchObject({ t: 'nack', code: 'forbidden' });
    expect(await aud.pub('x-2', 'vote.cast', { pollId: 'p1', optionIds: 'a' })).toMatchObject({ t: 'nack', code: 'invalid' });
    expect(await aud.pub('x-3', 'no.such', {})).toMatchObject({ t: 'nack', code: 'invalid' });
    expect(await aud.pub('x-4', 'question.ask', { questionId: 'q', text: 'y'.repeat(20_000) })).toMatchObject({ t: 'nack', code: 'too_large' });
    host.send({ t: 'history', from: 1, limit: 1000 });
    const h = (await host.waitFor((f) => f.t === 'history')) as HistoryFrame;
    expect(h.entries.filter((e) => e.clientId === (aud.frames[0] as WelcomeFrame).clientId)).toHaveLength(0);
    expect(h.entries.some((e) => ['x-1', 'x-2', 'x-3', 'x-4'].includes(e.id))).toBe(false);
  });

  it('P14 a repeated id is answered with the original ack and dup:true, from any connection, changing nothing', async () => {
    const first = ack(await host.pub('chat-dup', 'chat.send', { messageId: 'm-dup', text: 'hello once' }));
    const again = ack(await host.pub('chat-dup', 'chat.send', { messageId: 'm-dup', text: 'hello once' }));
    expect(again).toMatchObject({ serial: first.serial, applied: first.applied, dup: true });
    // Same client identity on a second connection (the console reconnecting).
    const t = await staffToken(hub.url, ev.eventId, 'host', 'Host B');
    const a = track(await TestClient.connect(hub.url, t.token));
    const x = ack(await a.pub('same', 'chat.send', { messageId: 'm-x', text: 'x' }));
    a.close();
    const b = track(await TestClient.connect(hub.url, t.token));
    expect(ack(await b.pub('same', 'chat.send', { messageId: 'm-x', text: 'x' }))).toMatchObject({ serial: x.serial, dup: true });
  });

  it('P15 serials from many publishers are gapless and in order in history', async () => {
    const pubs = await Promise.all(Array.from({ length: 5 }, async (_, k) => track(await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId, 'host', `H${k}`)).token))));
    await Promise.all(pubs.map((c, k) => Promise.all(Array.from({ length: 20 }, (_, i) => c.pub(`g-${k}-${i}`, 'chat.send', { messageId: `g-${k}-${i}`, text: 'hi' })))));
    host.send({ t: 'history', from: 1, limit: 1000 });
    const h = (await host.waitFor((f) => f.t === 'history' && f.entries.length > 100, { from: host.frames.length })) as HistoryFrame;
    h.entries.forEach((e, i) => expect(e.serial).toBe(i + 1));
  });
});

describe('history and log stream', () => {
  it('P17 pages history with next, refuses the audience, and streams the log from since then live', async () => {
    host.send({ t: 'history', from: 1, limit: 3 });
    const page = (await host.waitFor((f) => f.t === 'history' && f.entries.length === 3, { from: host.frames.length })) as HistoryFrame;
    expect(page.entries.map((e) => e.serial)).toEqual([1, 2, 3]);
    expect(page.next).toBe(4);
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token));
    aud.send({ t: 'history', from: 1, limit: 10 });
    expect(await aud.waitFor((f) => f.t === 'error')).toMatchObject({ code: 'forbidden' });
    const logger = track(await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId, 'producer', 'P')).token));
    logger.send({ t: 'sub', view: 'log', since: 2 });
    ack(await host.pub('live-1', 'chat.send', { messageId: 'live-1', text: 'live' }));
    const serials = await logger.until(() => {
      const s = logger.frames.filter((f): f is LogFrame => f.t === 'log').flatMap((f) => f.entries.map((e) => e.serial));
      return s.includes(s.length + 2) && logger.frames.some((f) => f.t === 'log' && f.entries.some((e) => e.id === 'live-1')) ? s : undefined;
    });
    serials.forEach((s, i) => expect(s).toBe(i + 3));
  });
});

describe('views', () => {
  it('P18 P19 a snapshot then patches that reproduce a fresh snapshot; at most syncHz frames a second', async () => {
    const t = await staffToken(hub.url, ev.eventId, 'producer', 'Watcher');
    const w = track(await TestClient.connect(hub.url, t.token));
    w.send({ t: 'sub', view: 'staff' });
    await w.until(() => w.views.staff);
    const start = w.frames.length;
    const t0 = Date.now();
    await Promise.all(Array.from({ length: 60 }, (_, i) => host.pub(`burst-${i}`, 'chat.send', { messageId: `burst-${i}`, text: `m${i}` })));
    const last = ack(await host.pub('burst-end', 'chat.send', { messageId: 'burst-end', text: 'end' }));
    await w.until(() => (w.views.staff && w.views.staff.serial >= last.serial ? true : undefined));
    const secs = Math.max(1, (Date.now() - t0) / 1000);
    const syncs = w.frames.slice(start).filter((f) => f.t === 'sync').length;
    expect(syncs).toBeLessThanOrEqual(Math.ceil(secs * 10) + 2);
    const fresh = track(await TestClient.connect(hub.url, t.token));
    fresh.send({ t: 'sub', view: 'staff' });
    await fresh.until(() => (fresh.views.staff && fresh.views.staff.serial >= last.serial ? true : undefined));
    // The fresh connection itself changes presence (a hub.presence entry) and both keep applying
    // patches, so compare them once both stand at the same serial.
    await w.until(() => (w.views.staff && w.views.staff.serial === fresh.views.staff?.serial ? true : undefined));
    expect(w.views.staff?.doc).toEqual(fresh.views.staff?.doc);
  });

  it('P20 P21 staff sees pending questions and hidden tallies; the audience sees neither', async () => {
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode, 'Asker')).token));
    aud.send({ t: 'sub', view: 'audience' });
    ack(await aud.pub('q-1', 'question.ask', { questionId: 'q-secret', text: 'Is this pending?' }));
    host.send({ t: 'sub', view: 'staff' });
    const staffDoc = await host.until(() => {
      const d = host.views.staff?.doc as { questions: Record<string, { status: string }>; polls: Record<string, { tallies: unknown }> } | undefined;
      return d?.questions['q-secret'] ? d : undefined;
    });
    expect(staffDoc.questions['q-secret']?.status).toBe('pending');
    expect(staffDoc.polls.p1?.tallies).toEqual({ a: 1, b: 0 });
    const audDoc = (await aud.until(() => aud.views.audience)).doc as { questions: Record<string, unknown>; polls: Record<string, { tallies: unknown }> };
    expect(audDoc.questions['q-secret']).toBeUndefined();
    expect(audDoc.polls.p1?.tallies).toBeNull();
    expect(JSON.stringify(audDoc)).not.toContain((aud.frames[0] as WelcomeFrame).clientId);
  });

  it('P22 self frames tell an audience client its own ballots and questions', async () => {
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode, 'Self')).token));
    aud.send({ t: 'sub', view: 'audience' });
    ack(await aud.pub('sv-1', 'vote.cast', { pollId: 'p1', optionIds: ['b'] }));
    ack(await aud.pub('sq-1', 'question.ask', { questionId: 'q-self', text: 'Mine?' }));
    const self = await aud.until(() => {
      const s = aud.selfData as { ballots: Record<string, string[]>; questions: Record<string, string> } | null;
      return s?.ballots.p1 && s.questions['q-self'] ? s : undefined;
    });
    expect(self.ballots.p1).toEqual(['b']);
    expect(self.questions['q-self']).toBe('pending');
  });

  it('P23 stats arrive every second for staff with the load figures; the audience may not subscribe', async () => {
    const p = track(await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId, 'producer', 'Stats')).token));
    p.send({ t: 'sub', view: 'stats' });
    const s = (await p.waitFor((f) => f.t === 'stats')) as StatsFrame;
    expect(s.connections.host).toBeGreaterThan(0);
    expect(s).toMatchObject({ node: expect.any(String), ackLatencyMs: { p50: expect.any(Number), p99: expect.any(Number) } });
    expect(s.load).toBeGreaterThanOrEqual(0);
    expect(s.load).toBeLessThanOrEqual(1);
    await p.waitFor((f) => f.t === 'stats', { from: p.frames.indexOf(s) + 1 });
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token));
    aud.send({ t: 'sub', view: 'stats' });
    expect(await aud.waitFor((f) => f.t === 'error')).toMatchObject({ code: 'forbidden' });
  });
});

describe('limits', () => {
  it('P24 an audience client over 20/s (burst 40) gets nack rate_limited and stays connected', async () => {
    const aud = track(await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token));
    for (let i = 0; i < 80; i++) aud.send({ t: 'pub', id: `rl-${i}`, name: 'reaction.send', data: { emoji: '👍' } });
    await aud.waitFor((f) => f.t === 'nack' && f.code === 'rate_limited');
    await aud.until(() => (aud.frames.filter((f) => f.t === 'ack' || f.t === 'nack').length >= 80 ? true : undefined));
    const acks = aud.frames.filter((f) => f.t === 'ack').length;
    expect(acks).toBeGreaterThanOrEqual(40);
    expect(acks).toBeLessThan(80);
    expect(aud.closed).toBeNull();
  });
});

describe('shutdown', () => {
  it('P11 SIGTERM closes every socket with 1001', async () => {
    const own = await startHubProcess();
    const e = await createEvent(own.url);
    const c = await TestClient.connect(own.url, (await staffToken(own.url, e.eventId)).token);
    const a = await TestClient.connect(own.url, (await joinAudience(own.url, e.joinCode)).token);
    expect(await own.kill('SIGTERM')).toBe(0);
    expect((await c.waitClosed()).code).toBe(1001);
    expect((await a.waitClosed()).code).toBe(1001);
  });
});
