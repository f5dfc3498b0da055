/**
 * The connection's state machine under a fake clock and fake sockets: every timing claim
 * (backoff, suspension, handover, ping, dead peer) is checked on simulated time, no timers, no network.
 */
import { describe, expect, it } from 'vitest';
import { Connection, type ConnectionEvents, type ConnectionOptions, type StateChange } from '../../src/shared/client';
import { FakeClock, fakeNetwork, welcomeFrame, type FakeSocket } from './fakes';

const URLS = ['http://hub-a:8080', 'ws://hub-b:8080', 'https://hub-c'];
const SOCKET_URLS = ['ws://hub-a:8080/v1/ws', 'ws://hub-b:8080/v1/ws', 'wss://hub-c/v1/ws'];

function setup(over: Partial<ConnectionOptions> = {}) {
  const clock = new FakeClock(1_000);
  const startedAt: number[] = [];
  const net = fakeNetwork(() => startedAt.push(clock.now()));
  let token = 'tok-1';
  let random: () => number = () => 0.5;
  const listenerErrors: unknown[] = [];
  const link = new Connection({
    urls: URLS,
    token: () => token,
    clock,
    WebSocket: net.WebSocket,
    random: () => random(),
    client: { name: 'stagecall-console', version: '0.1.0' },
    onListenerError: (err) => listenerErrors.push(err),
    ...over,
  });
  const states: StateChange[] = [];
  const frames: ConnectionEvents['frame'][] = [];
  const rtts: number[] = [];
  const welcomes: ConnectionEvents['welcome'][] = [];
  link.on('state', (s) => states.push(s));
  link.on('frame', (f) => frames.push(f));
  link.on('rtt', (r) => rtts.push(r));
  link.on('welcome', (w) => welcomes.push(w));
  /** Open the newest socket and answer its hello with a welcome. */
  const accept = (over2: Partial<Record<string, unknown>> = {}): FakeSocket => {
    const s = net.last();
    s.open();
    s.receive(welcomeFrame(over2));
    return s;
  };
  const status = () => ({
    state: link.state,
    hubUrl: link.hubUrl,
    attempt: link.attempt,
    welcome: link.welcome,
    connects: link.connects,
    lastRttMs: link.lastRttMs,
    invalidFrames: link.invalidFrames,
    lastInvalid: link.lastInvalid,
  });
  return {
    link,
    clock,
    net,
    states,
    frames,
    rtts,
    welcomes,
    startedAt,
    listenerErrors,
    accept,
    status,
    setToken: (t: string) => (token = t),
    setRandom: (r: () => number) => (random = r),
    stateNames: () => states.map((s) => s.state),
  };
}

describe('Connection: session', () => {
  it('P1 P9 sends hello with the token on open and is connected on welcome', () => {
    const t = setup();
    t.link.connect();
    expect(t.status().state).toBe('connecting');
    const s = t.net.last();
    expect(s.url).toBe(SOCKET_URLS[0]);
    expect(s.protocol).toBe('stagecall.v1');
    expect(s.sent).toEqual([]);
    expect(t.link.send({ t: 'pub', id: 'm1', name: 'poll.open', data: { pollId: 'p' } })).toBe(false);

    s.open();
    expect(s.sent).toEqual([{ t: 'hello', token: 'tok-1', client: { name: 'stagecall-console', version: '0.1.0' } }]);
    expect(t.status().state).toBe('connecting');

    s.receive(welcomeFrame());
    expect(t.stateNames()).toEqual(['connecting', 'connected']);
    expect(t.states[1]).toMatchObject({ state: 'connected', previous: 'connecting', hubUrl: URLS[0], attempt: 0 });
    expect(t.welcomes).toHaveLength(1);
    expect(t.status()).toMatchObject({ state: 'connected', connects: 1, welcome: { connectionId: 'c1', epoch: 'E1' } });
    expect(t.link.send({ t: 'pub', id: 'm1', name: 'poll.open', data: { pollId: 'p' } })).toBe(true);
    expect(s.sent.at(-1)).toEqual({ t: 'pub', id: 'm1', name: 'poll.open', data: { pollId: 'p' } });
  });

  it('a connect attempt with no welcome fails after openTimeoutMs and retries', () => {
    const t = setup({ openTimeoutMs: 10_000 });
    t.link.connect();
    t.net.last().open();
    t.clock.advance(9_999);
    expect(t.status().state).toBe('connecting');
    t.clock.advance(1);
    expect(t.status().state).toBe('disconnected');
    expect(t.states.at(-1)?.reason).toMatch(/no welcome/);
    expect(t.net.sockets[0]?.closedByClient).not.toBeNull();
  });

  it('drops and counts invalid frames, never emitting them', () => {
    const t = setup();
    t.link.connect();
    t.accept();
    const before = t.frames.length;
    t.net.last().receive('not json');
    t.net.last().receive({ t: 'sync', view: 'staff' });
    t.net.last().receive({ t: 'ack', id: 'm1', serial: 3, applied: true });
    expect(t.status().invalidFrames).toBe(2);
    expect(t.status().lastInvalid).toMatch(/^malformed: sync/);
    expect(t.frames.slice(before)).toEqual([{ t: 'ack', id: 'm1', serial: 3, applied: true }]);
  });

  it('disconnect() closes the socket with 1000, stops every timer and ends in `closed`', () => {
    const t = setup();
    t.link.connect();
    const s = t.accept();
    t.link.close();
    expect(s.closedByClient?.code).toBe(1000);
    expect(t.status().state).toBe('closed');
    expect(t.clock.pendingCount()).toBe(0);
    expect(t.link.send({ t: 'ping', id: 1, ts: 0 })).toBe(false);
    t.clock.advance(600_000);
    expect(t.net.sockets).toHaveLength(1);
    t.link.connect();
    expect(t.net.sockets).toHaveLength(2);
  });

  it('a throwing listener does not break the state machine', () => {
    const t = setup();
    t.link.on('state', () => {
      throw new Error('listener bug');
    });
    t.link.connect();
    t.accept();
    expect(t.status().state).toBe('connected');
    expect(t.listenerErrors.length).toBeGreaterThan(0);
  });
});

describe('Connection: retry policy', () => {
  /** Fail every attempt as soon as it starts; collect the retry delays announced. */
  function failRepeatedly(t: ReturnType<typeof setup>, times: number): number[] {
    const delays: number[] = [];
    t.link.connect();
    for (let i = 0; i < times; i++) {
      const sockets = t.net.sockets.length;
      t.net.last().fail();
      const change = t.states.at(-1);
      expect(change?.state).toBe('disconnected');
      const delay = change?.retryInMs ?? -1;
      delays.push(delay);
      // The retry really is armed at that delay: nothing one ms early, a new attempt on time.
      if (delay > 0) t.clock.advance(delay - 1);
      expect(t.net.sockets).toHaveLength(sockets);
      t.clock.advance(1);
      expect(t.net.sockets).toHaveLength(sockets + 1);
    }
    return delays;
  }

  it('backoff doubles with full jitter (random · min(cap, base·2^n)) and is capped at 15 s', () => {
    const t = setup();
    t.setRandom(() => 0.5);
    expect(failRepeatedly(t, 8)).toEqual([250, 500, 1_000, 2_000, 4_000, 7_500, 7_500, 7_500]);

    const u = setup();
    const draws = [0.1, 0.9, 0, 0.999999, 0.3];
    u.setRandom(() => draws.shift() ?? 0);
    expect(failRepeatedly(u, 5)).toEqual([50, 900, 0, 3_999, 2_400]);

    const w = setup();
    w.setRandom(() => 0.999999);
    const capped = failRepeatedly(w, 10);
    expect(Math.max(...capped)).toBe(14_999);
    expect(capped.slice(5)).toEqual([14_999, 14_999, 14_999, 14_999, 14_999]);
  });

  it('tries the next hub URL on each failure, wrapping around the list', () => {
    const t = setup();
    failRepeatedly(t, 4);
    expect(t.net.sockets.map((s) => s.url)).toEqual([SOCKET_URLS[0], SOCKET_URLS[1], SOCKET_URLS[2], SOCKET_URLS[0], SOCKET_URLS[1]]);
    expect(t.states.filter((s) => s.state === 'disconnected').map((s) => s.nextHubUrl)).toEqual([URLS[1], URLS[2], URLS[0], URLS[1]]);

    // A connection that drops after working also moves on, and the attempt count restarts.
    t.accept();
    expect(t.status()).toMatchObject({ state: 'connected', hubUrl: URLS[1], attempt: 0 });
    t.net.last().serverClose(1006);
    expect(t.states.at(-1)).toMatchObject({ state: 'disconnected', attempt: 1, retryInMs: 250, nextHubUrl: URLS[2] });
  });

  it('suspended after 2 min without a connection, then retries every 30 s; a welcome resets it', () => {
    const t = setup();
    t.setRandom(() => 0.999999);
    t.link.connect();
    const firstFailure = t.clock.now();
    t.net.last().fail();
    while (t.status().state !== 'suspended') {
      t.clock.advance(t.clock.nextDelay() ?? 1);
      if (!t.net.last().isEnded) t.net.last().fail();
    }
    expect(t.clock.now() - firstFailure).toBe(120_000);
    expect(t.stateNames().filter((s) => s === 'suspended')).toHaveLength(1);
    expect(t.states.at(-1)?.reason).toMatch(/not connected for 120000 ms/);

    // From now on: one attempt every 30 s, each failure leaving it suspended.
    const attemptsBefore = t.startedAt.length;
    for (let i = 0; i < 4; i++) {
      t.clock.advance(t.clock.nextDelay() ?? 1);
      t.net.last().fail();
      expect(t.states.at(-1)).toMatchObject({ state: 'suspended', retryInMs: 30_000 });
    }
    const gaps = t.startedAt.slice(attemptsBefore).map((at, i, all) => (i === 0 ? 0 : at - (all[i - 1] ?? 0)));
    expect(gaps.slice(1)).toEqual([30_000, 30_000, 30_000]);
    expect(t.stateNames().slice(t.stateNames().indexOf('suspended'))).not.toContain('disconnected');

    t.clock.advance(30_000);
    t.accept();
    expect(t.status()).toMatchObject({ state: 'connected', attempt: 0 });
    t.net.last().fail();
    expect(t.states.at(-1)).toMatchObject({ state: 'disconnected', attempt: 1 });
    expect(t.states.at(-1)?.retryInMs).toBeLessThan(500);
  });

  it('connect() while disconnected or suspended retries at once', () => {
    const t = setup();
    t.link.connect();
    t.net.last().fail();
    expect(t.status().state).toBe('disconnected');
    t.link.connect();
    expect(t.net.sockets).toHaveLength(2);
    expect(t.status().state).toBe('connecting');
  });

  it('P25 close 4001 → failed, and it stays failed until connect() (with a new token)', () => {
    const t = setup();
    t.link.connect();
    const s = t.net.last();
    s.open();
    s.receive({ t: 'error', code: 'unauthorized', message: 'token expired' });
    expect(t.status().state).toBe('failed');
    expect(s.closedByClient).not.toBeNull();
    expect(t.clock.pendingCount()).toBe(0);
    t.clock.advance(3_600_000);
    expect(t.net.sockets).toHaveLength(1);
    expect(t.stateNames()).toEqual(['connecting', 'failed']);

    t.setToken('tok-2');
    t.link.connect();
    t.net.last().open();
    expect(t.net.last().sent[0]).toMatchObject({ t: 'hello', token: 'tok-2' });
    t.net.last().receive(welcomeFrame());
    expect(t.status()).toMatchObject({ state: 'connected', attempt: 0 });
  });

  it.each([4001, 4003, 4011])('P25 P32 P33 a close with %i (no error frame) is terminal: failed with the reason, no retry loop', (code) => {
    const t = setup();
    t.link.connect();
    t.accept();
    t.net.last().serverClose(code, 'nope');
    expect(t.states.at(-1)).toMatchObject({ state: 'failed', closeCode: code, reason: `closed ${code} (nope)` });
    expect(t.clock.pendingCount()).toBe(0);
    t.clock.advance(600_000);
    expect(t.net.sockets).toHaveLength(1);
  });

  it('other close codes (4008, 4400, 1006) are retried with backoff', () => {
    const t = setup();
    t.link.connect();
    t.accept();
    t.net.last().serverClose(4008, 'rate limited');
    expect(t.states.at(-1)).toMatchObject({ state: 'disconnected', closeCode: 4008 });
  });

  it.each([1001, 1012])('P11 P31 close %i from a working connection → the next URL within the handover jitter, not the backoff', (code) => {
    const t = setup();
    t.setRandom(() => 0.999);
    t.link.connect();
    t.accept();
    t.net.last().serverClose(code, 'going away');
    expect(t.states.at(-1)).toMatchObject({ state: 'disconnected', retryInMs: 999, nextHubUrl: URLS[1], closeCode: code, attempt: 0 });
    t.clock.advance(998);
    expect(t.net.sockets).toHaveLength(1);
    t.clock.advance(1);
    expect(t.net.sockets.map((x) => x.url)).toEqual([SOCKET_URLS[0], SOCKET_URLS[1]]);
    t.accept();
    expect(t.status()).toMatchObject({ state: 'connected', hubUrl: URLS[1] });

    // The jitter spreads a drained hall over the window: random 0 goes at once.
    t.setRandom(() => 0);
    t.net.last().serverClose(code);
    expect(t.states.at(-1)).toMatchObject({ retryInMs: 0 });
    t.clock.advance(0);
    expect(t.net.sockets).toHaveLength(3);
  });

  it.each([1001, 1012])('P11 P31 after a %i, refused attempts retry within the handover jitter for 15 s (a restarting hub), then back off; a welcome ends it', (code) => {
    const t = setup();
    t.setRandom(() => 0.999999);
    t.link.connect();
    t.accept();
    t.net.last().serverClose(code);
    const closedAt = t.clock.now();
    t.clock.advance(t.clock.nextDelay() ?? 1);
    // Every URL refuses (the hub is starting again): full jitter from 250 ms, never above 1 s.
    const retries: number[] = [];
    while (t.clock.now() - closedAt < 15_000) {
      t.net.last().fail();
      const s = t.states.at(-1);
      if (t.clock.now() - closedAt < 15_000) retries.push(s?.retryInMs ?? -1);
      t.clock.advance(s?.retryInMs ?? 1);
    }
    expect(retries.slice(0, 3)).toEqual([249, 499, 999]);
    expect(Math.max(...retries)).toBe(999);
    expect(retries.length).toBeGreaterThan(14);
    // Past the window, the usual backoff (cap 15 s) for the attempts failed so far.
    t.net.last().fail();
    expect(t.states.at(-1)?.retryInMs).toBe(14_999);

    // A welcome ends the handover: the next drop (not a 1001) backs off from 500 ms again.
    t.clock.advance(14_999);
    t.accept();
    t.net.last().serverClose(1006);
    expect(t.states.at(-1)).toMatchObject({ attempt: 1, retryInMs: 499 });
    t.clock.advance(499);
    t.net.last().fail();
    expect(t.states.at(-1)).toMatchObject({ attempt: 2, retryInMs: 999 });
    t.clock.advance(999);
    t.net.last().fail();
    expect(t.states.at(-1)).toMatchObject({ attempt: 3, retryInMs: 1_999 });
  });

  it('P11 a 1001 before any welcome backs off instead of looping', () => {
    const t = setup();
    t.link.connect();
    t.net.last().open();
    t.net.last().serverClose(1001);
    expect(t.states.at(-1)).toMatchObject({ state: 'disconnected', retryInMs: 250 });
    expect(t.net.sockets).toHaveLength(1);
  });
});

describe('Connection: liveness', () => {
  it('P10 pings every 2 s and turns pongs into RTT samples (pong itself is not a frame event)', () => {
    const t = setup();
    t.link.connect();
    const s = t.accept();
    const start = t.clock.now();
    expect(s.sentOfType('ping')).toEqual([{ t: 'ping', id: 1, ts: start }]);
    t.clock.advance(40);
    s.receive({ t: 'pong', id: 1, ts: start, hubTime: 1 });
    t.clock.advance(1_960);
    const pings = s.sentOfType('ping');
    expect(pings).toHaveLength(2);
    expect(pings[1]).toEqual({ t: 'ping', id: 2, ts: start + 2_000 });
    t.clock.advance(75);
    s.receive({ t: 'pong', id: 2, ts: start + 2_000, hubTime: 2 });
    expect(t.rtts).toEqual([40, 75]);
    expect(t.status().lastRttMs).toBe(75);
    expect(t.frames.some((f) => f.t === 'pong')).toBe(false);
    t.clock.advance(4_000);
    expect(s.sentOfType('ping')).toHaveLength(4);
  });

  it('a ping unanswered for 5 s means a dead socket: closed by us, disconnected, retried', () => {
    const t = setup();
    t.link.connect();
    const s = t.accept();
    t.clock.advance(4_999);
    expect(t.status().state).toBe('connected');
    expect(s.sentOfType('ping')).toHaveLength(3); // sent into the void at 0, 2 s, 4 s
    t.clock.advance(1);
    expect(t.states.at(-1)).toMatchObject({ state: 'disconnected', previous: 'connected' });
    expect(t.states.at(-1)?.reason).toMatch(/no answer from the hub for 5000 ms/);
    expect(s.closedByClient).not.toBeNull();
    t.clock.advance(t.states.at(-1)?.retryInMs ?? 0);
    expect(t.net.sockets).toHaveLength(2);
  });

  it('any frame, even one that fails validation, keeps the connection alive', () => {
    const t = setup();
    t.link.connect();
    const s = t.accept();
    t.clock.advance(3_000);
    s.receive({ t: 'stats-typo' }); // answers the ping of 2 s
    t.clock.advance(5_999); // the ping of 4 s, unanswered for 4999 ms
    expect(t.status().state).toBe('connected');
    t.clock.advance(1);
    expect(t.status().state).toBe('disconnected');
  });

  it('a client whose timers were frozen (a phone on the lock screen) is not dropped for the silence', () => {
    const t = setup();
    t.link.connect();
    const s = t.accept();
    s.receive({ t: 'pong', id: 1, ts: t.clock.now(), hubTime: 1 });
    // No timer ran for 60 s; then the overdue ones fire, the ping first, as after a resume.
    t.clock.freeze(60_000);
    expect(t.status().state).toBe('connected');
    s.receive({ t: 'pong', id: 2, ts: t.clock.now(), hubTime: 2 });
    expect(t.status().state).toBe('connected');
  });
});

