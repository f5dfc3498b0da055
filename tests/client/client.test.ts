/**
 * The client on a fake clock and fake sockets: views resume by patch across reconnects,
 * publishes resend with their ids until acked, the same id is one publish, pacing follows the
 * welcome's rate, and the log/stats streams renew after every welcome.
 */
import { describe, expect, it } from 'vitest';
import { createClient, fullJitterDelay, hashCheck, MemoryOutbox, PublishError, type ClientOptions, type StateChange } from '../../src/shared/client';
import { stateHash } from '../../src/shared/integrity';
import { FakeClock, fakeNetwork, welcomeFrame, type FakeSocket } from './fakes';

const snapshot = (serial: number, epoch = 'E1', view = 'staff') => ({ t: 'sync', view, epoch, serial, snapshot: { n: serial } });
const patch = (base: number, serial: number, epoch = 'E1', view = 'staff') => ({
  t: 'sync',
  view,
  epoch,
  base,
  serial,
  patch: [{ op: 'replace', path: '/n', value: serial }],
});
const entry = (serial: number) => ({ serial, clientId: 'h', id: `m${serial}`, name: 'poll.open', data: {}, ts: serial });
const ack = (id: string, serial: number, extra: Record<string, unknown> = {}) => ({ t: 'ack', id, serial, applied: true, ...extra });

function setup(over: Partial<ClientOptions> = {}) {
  const clock = new FakeClock(1_000);
  const net = fakeNetwork();
  const client = createClient({ urls: ['http://a', 'http://b'], token: 'tok', clock, WebSocket: net.WebSocket, random: () => 0.5, ...over });
  const states: StateChange[] = [];
  client.on('state', (s) => states.push(s));
  const accept = (over2: Record<string, unknown> = {}): FakeSocket => {
    const s = net.last();
    s.open();
    s.receive(welcomeFrame(over2));
    return s;
  };
  /** The socket drops; the retry runs; the next one is accepted. */
  const reconnect = (over2: Record<string, unknown> = {}): FakeSocket => {
    net.last().serverClose(1006);
    clock.advance(clock.nextDelay() ?? 0);
    return accept(over2);
  };
  return { clock, net, client, states, accept, reconnect };
}

describe('client: views', () => {
  it('P18 P19 calls the view listener per change and resumes by patch after a reconnect', () => {
    const t = setup();
    const seen: Array<{ doc: unknown; serial: number; kind?: string }> = [];
    const stop = t.client.view('staff', (doc, meta) => seen.push({ doc, serial: meta.serial, kind: meta.frame && ('patch' in meta.frame ? 'patch' : 'snapshot') }));
    expect(t.client.state).toBe('connecting');
    const s1 = t.accept();
    expect(s1.sentOfType('sub')).toEqual([{ t: 'sub', view: 'staff' }]);
    s1.receive(snapshot(10));
    s1.receive(patch(10, 11));
    expect(seen).toEqual([
      { doc: { n: 10 }, serial: 10, kind: 'snapshot' },
      { doc: { n: 11 }, serial: 11, kind: 'patch' },
    ]);
    const s2 = t.reconnect();
    expect(s2.sentOfType('sub')).toEqual([{ t: 'sub', view: 'staff', since: 11, epoch: 'E1' }]);
    s2.receive(patch(11, 14));
    expect(seen.at(-1)).toEqual({ doc: { n: 14 }, serial: 14, kind: 'patch' });
    expect(t.client.viewState('staff')).toEqual({ doc: { n: 14 }, serial: 14, epoch: 'E1' });

    stop();
    expect(s2.sent.at(-1)).toEqual({ t: 'unsub', view: 'staff' });
    s2.receive(patch(14, 15));
    expect(seen).toHaveLength(3);
    expect(t.reconnect().sentOfType('sub')).toEqual([]);
  });

  it('P19 a gap re-subscribes once from the held serial; P15 another epoch asks for a snapshot', () => {
    const t = setup();
    t.client.view('audience', () => undefined);
    const s = t.accept();
    s.receive(snapshot(5, 'E1', 'audience'));
    s.receive(patch(7, 8, 'E1', 'audience'));
    s.receive(patch(8, 9, 'E1', 'audience'));
    expect(s.sentOfType('sub')).toEqual([
      { t: 'sub', view: 'audience' },
      { t: 'sub', view: 'audience', since: 5, epoch: 'E1' },
    ]);
    s.receive(patch(5, 9, 'E1', 'audience'));
    s.receive(patch(9, 10, 'E2', 'audience'));
    expect(s.sentOfType('sub').at(-1)).toEqual({ t: 'sub', view: 'audience' });
  });

  it('a view added while connected subscribes at once and is told the state it already holds', () => {
    const t = setup();
    t.client.view('staff', () => undefined);
    const s = t.accept();
    s.receive(snapshot(3));
    const late: number[] = [];
    t.client.view('staff', (_d, m) => late.push(m.serial));
    expect(late).toEqual([3]);
    expect(s.sentOfType('sub')).toHaveLength(1);
  });

  it('P26 hook: a rejected state counts a mismatch and re-subscribes without since', () => {
    const t = setup({ verify: (state) => state.serial !== 12 });
    t.client.view('staff', () => undefined);
    const s = t.accept();
    s.receive(snapshot(11));
    s.receive(patch(11, 12));
    expect(t.client.status.mismatches).toBe(1);
    // No since (a snapshot), and the reason, which the hub counts in /metrics.
    expect(s.sentOfType('sub').at(-1)).toEqual({ t: 'sub', view: 'staff', reason: 'hash_mismatch' });
  });

  it('P26 by default checks each frame\'s hash: a state that differs is counted and re-asked as a snapshot', () => {
    const t = setup();
    t.client.view('staff', () => undefined);
    const s = t.accept();
    s.receive({ ...snapshot(1), hash: stateHash({ n: 1 }) });
    s.receive({ ...patch(1, 2), hash: stateHash({ n: 2 }) });
    expect(t.client.status.mismatches).toBe(0);
    s.receive({ ...patch(2, 3), hash: stateHash({ n: 999 }) });
    expect(t.client.status.mismatches).toBe(1);
    expect(t.client.viewState('staff')).toBeNull();
    expect(s.sentOfType('sub').at(-1)).toEqual({ t: 'sub', view: 'staff', reason: 'hash_mismatch' });
    // Sampling: with everyMs, patches between checks pass unchecked; snapshots are always checked.
    let now = 0;
    const check = hashCheck({ everyMs: 1_000, now: () => now });
    const st = (n: number) => ({ doc: { n }, serial: n, epoch: 'E1' });
    const f = (n: number, h: number) => ({ ...patch(n - 1, n), hash: stateHash({ n: h }) }) as never;
    expect(check(st(2), f(2, 2))).toBe(true);
    expect(check(st(3), f(3, 0))).toBe(true); // not checked: within the second
    now = 1_000;
    expect(check(st(4), f(4, 0))).toBe(false);
    expect(check(st(5), { ...snapshot(5), hash: stateHash({ n: 0 }) } as never)).toBe(false);
  });

  it('P27 reports the applied serial at most once a second per view, the latest one', () => {
    const t = setup({ reportApplied: true });
    t.client.view('audience', () => undefined);
    const s = t.accept();
    s.receive(snapshot(1, 'E1', 'audience'));
    for (let i = 2; i <= 6; i++) {
      t.clock.advance(100);
      s.receive(patch(i - 1, i, 'E1', 'audience'));
    }
    expect(s.sentOfType('at')).toEqual([{ t: 'at', view: 'audience', serial: 1 }]);
    t.clock.advance(500);
    expect(s.sentOfType('at')).toEqual([
      { t: 'at', view: 'audience', serial: 1 },
      { t: 'at', view: 'audience', serial: 6 },
    ]);
    t.clock.advance(5_000);
    expect(s.sentOfType('at')).toHaveLength(2);
  });

  it('P22 self frames reach `self` listeners', () => {
    const t = setup();
    const selves: unknown[] = [];
    t.client.on('self', (d) => selves.push(d));
    t.accept().receive({ t: 'self', data: { ballots: {} } });
    expect(selves).toEqual([{ ballots: {} }]);
  });
});

describe('client: streams', () => {
  it('P17 P23 the log resumes after its last entry, from 0 after an epoch change; stats renew', () => {
    const t = setup();
    const got: number[] = [];
    t.client.log((entries) => got.push(...entries.map((e) => e.serial)), { since: 4 });
    t.client.stats(() => undefined);
    const s1 = t.accept();
    expect(s1.sentOfType('sub')).toEqual([
      { t: 'sub', view: 'log', since: 4 },
      { t: 'sub', view: 'stats' },
    ]);
    s1.receive({ t: 'log', entries: [entry(5), entry(6)] });
    s1.receive({ t: 'log', entries: [entry(7)] });
    expect(got).toEqual([5, 6, 7]);
    expect(t.reconnect().sentOfType('sub')).toEqual([
      { t: 'sub', view: 'log', since: 7 },
      { t: 'sub', view: 'stats' },
    ]);
    expect(t.reconnect({ epoch: 'E2' }).sentOfType('sub')).toEqual([
      { t: 'sub', view: 'log', since: 0 },
      { t: 'sub', view: 'stats' },
    ]);
  });
});

describe('client: publishing', () => {
  it('P12 resolves with the ack; P14 a disconnect resends with the same id and a dup ack resolves it once', async () => {
    const t = setup();
    const s1 = t.accept();
    const answer = t.client.publish('poll.open', { pollId: 'p1' }, { id: 'm1' });
    await Promise.resolve();
    expect(s1.sentOfType('pub')).toEqual([{ t: 'pub', id: 'm1', name: 'poll.open', data: { pollId: 'p1' } }]);
    const s2 = t.reconnect();
    expect(s2.sentOfType('pub')).toEqual([{ t: 'pub', id: 'm1', name: 'poll.open', data: { pollId: 'p1' } }]);
    s2.receive(ack('m1', 7, { dup: true }));
    s2.receive(ack('m1', 7, { dup: true }));
    await expect(answer).resolves.toMatchObject({ id: 'm1', serial: 7, dup: true });
    expect(t.reconnect().sentOfType('pub')).toEqual([]);
  });

  it('publishes made while offline wait in the outbox and go out in order after the welcome', async () => {
    const t = setup();
    const answers = [t.client.publish('a', 1, { id: 'x1' }), t.client.publish('b', 2, { id: 'x2' })];
    await Promise.resolve();
    const s = t.accept();
    expect(s.sentOfType('pub').map((f) => f.id)).toEqual(['x1', 'x2']);
    s.receive(ack('x1', 1));
    s.receive(ack('x2', 2));
    await expect(Promise.all(answers)).resolves.toHaveLength(2);
  });

  it('P14 the same id published twice is one pub on the wire and one answer for both', async () => {
    const t = setup();
    const s = t.accept();
    const a = t.client.publish('vote.cast', { pollId: 'p' }, { id: 'same' });
    const b = t.client.publish('vote.cast', { pollId: 'p' }, { id: 'same' });
    await Promise.resolve();
    expect(s.sentOfType('pub')).toHaveLength(1);
    s.receive(ack('same', 3));
    expect(await a).toEqual(await b);
  });

  it('P13 a nack rejects with its code and is not resent; rate_limited is resent later with the same id', async () => {
    const t = setup();
    const s = t.accept();
    const refused = t.client.publish('poll.open', {}, { id: 'bad' });
    const early = t.client.publish('poll.open', {}, { id: 'soon' });
    await Promise.resolve();
    s.receive({ t: 'nack', id: 'bad', code: 'invalid', message: 'pollId: required' });
    await expect(refused).rejects.toMatchObject({ name: 'PublishError', code: 'invalid' });
    s.receive({ t: 'nack', id: 'soon', code: 'rate_limited', message: 'slow down' });
    t.clock.advance(1_499);
    expect(s.sentOfType('pub').map((f) => f.id)).toEqual(['bad', 'soon']);
    t.clock.advance(1);
    expect(s.sentOfType('pub').map((f) => f.id)).toEqual(['bad', 'soon', 'soon']);
    s.receive(ack('soon', 4));
    await expect(early).resolves.toMatchObject({ serial: 4 });
    expect(t.reconnect().sentOfType('pub')).toEqual([]);
  });

  it('P34 `unavailable` naming a pub resends that pub after a pause, same id', async () => {
    const t = setup();
    const s = t.accept();
    const answer = t.client.publish('vote.cast', {}, { id: 'v1' });
    await Promise.resolve();
    s.receive({ t: 'error', code: 'unavailable', message: 'disk full', id: 'v1' });
    t.clock.advance(999);
    expect(s.sentOfType('pub')).toHaveLength(1);
    t.clock.advance(1);
    expect(s.sentOfType('pub')).toHaveLength(2);
    s.receive(ack('v1', 9));
    await expect(answer).resolves.toMatchObject({ serial: 9 });
  });

  it('P24 paces to 75% of the welcome rate and keeps at most `window` unanswered on the wire', async () => {
    const t = setup({ window: 3 });
    const s = t.accept({ limits: { maxFrameBytes: 65536, ratePerSec: 8, syncHz: 10 } });
    for (let i = 0; i < 10; i++) void t.client.publish('n', i, { id: `p${i}` }).catch(() => undefined);
    await Promise.resolve();
    // 8/s · 0.75 = 6/s with a burst of 3: the window and the bucket both allow 3 now.
    expect(s.sentOfType('pub')).toHaveLength(3);
    for (let i = 0; i < 3; i++) s.receive(ack(`p${i}`, i + 1));
    expect(s.sentOfType('pub')).toHaveLength(3); // the bucket is empty
    t.clock.advance(167);
    expect(s.sentOfType('pub')).toHaveLength(4);
    t.clock.advance(1_000);
    expect(s.sentOfType('pub')).toHaveLength(6); // the window (3 unanswered) holds the rest
    expect(s.sentOfType('pub').map((f) => f.id)).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5']);
  });

  it('items sharing a key go one at a time, in order; others do not wait', async () => {
    const t = setup();
    const s = t.accept();
    void t.client.publish('vote.cast', { o: 'A' }, { id: 'v1', key: 'poll:p' });
    void t.client.publish('vote.cast', { o: 'B' }, { id: 'v2', key: 'poll:p' });
    void t.client.publish('question.ask', {}, { id: 'q1' });
    await Promise.resolve();
    expect(s.sentOfType('pub').map((f) => f.id)).toEqual(['v1', 'q1']);
    s.receive(ack('v1', 1));
    expect(s.sentOfType('pub').map((f) => f.id)).toEqual(['v1', 'q1', 'v2']);
  });

  it('a full outbox rejects at once with outbox_full; close() rejects what is unanswered with `closed`', async () => {
    const t = setup({ outbox: new MemoryOutbox(1) });
    const first = t.client.publish('a', 1, { id: 'one' });
    await expect(t.client.publish('a', 2, { id: 'two' })).rejects.toMatchObject({ code: 'outbox_full' });
    t.client.close();
    await expect(first).rejects.toBeInstanceOf(PublishError);
    await expect(first).rejects.toMatchObject({ code: 'closed' });
    expect(t.client.state).toBe('closed');
  });

  it('items already in a durable outbox (an earlier run) are resent after the welcome and reported settled', async () => {
    const outbox = new MemoryOutbox();
    outbox.add({ id: 'old-1', name: 'poll.open', data: {} });
    const t = setup({ outbox });
    const settled: string[] = [];
    t.client.on('settled', (e) => settled.push(e.id));
    const s = t.accept();
    expect(s.sentOfType('pub').map((f) => f.id)).toEqual(['old-1']);
    s.receive(ack('old-1', 2, { dup: true }));
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toEqual(['old-1']);
    expect(outbox.size).toBe(0);
  });
});

describe('backoff', () => {
  it('full jitter stays within [0, min(cap, base·2^n)) for every draw, and reaches its bounds', () => {
    const opts = { baseMs: 500, capMs: 15_000 };
    for (let n = 0; n < 40; n++) {
      const ceiling = Math.min(15_000, 500 * 2 ** n);
      expect(fullJitterDelay(n, () => 0, opts)).toBe(0);
      expect(fullJitterDelay(n, () => 0.999999, opts)).toBe(Math.floor(0.999999 * ceiling));
      for (const r of [0.1, 0.5, 0.9]) expect(fullJitterDelay(n, () => r, opts)).toBeLessThan(ceiling);
    }
    // A broken random source cannot push it out of bounds either.
    expect(fullJitterDelay(3, () => 7, opts)).toBe(4_000);
    expect(fullJitterDelay(3, () => -1, opts)).toBe(0);
  });
});
