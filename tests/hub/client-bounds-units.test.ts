/** P33's pure parts: the per-client registry (connections, shared bucket) and the hub-wide queue budget. */
import { describe, expect, it } from 'vitest';
import { ClientRegistry, MAX_AUDIENCE_CONNECTIONS_PER_CLIENT } from '../../src/hub/client-registry';
import { overBudget } from '../../src/hub/queue-budget';
import { KeyedLimiter } from '../../src/hub/rate-limit';
import { RATE } from '../../src/shared/protocol';

const conn = (clientId: string, role: 'audience' | 'host' = 'audience', eventId = 'e') => ({ clientId, role, eventId });

describe('client registry (P33)', () => {
  it('admits 4 audience connections per client and event, refuses the fifth, and admits again after one leaves', () => {
    const r = new ClientRegistry<ReturnType<typeof conn>>();
    const mine = Array.from({ length: MAX_AUDIENCE_CONNECTIONS_PER_CLIENT }, () => conn('a'));
    for (const c of mine) expect(r.admit(c)).toBe(true);
    expect(r.admit(conn('a'))).toBe(false);
    expect(r.admit(conn('a', 'audience', 'other-event'))).toBe(true); // another event's client
    expect(r.admit(conn('b'))).toBe(true);
    r.release(mine[0] as ReturnType<typeof conn>);
    expect(r.admit(conn('a'))).toBe(true);
    expect(r.connectionsOf('e', 'a')).toHaveLength(4);
    for (let i = 0; i < 10; i++) expect(r.admit(conn('h', 'host'))).toBe(true); // staff: a team may share a token
  });

  it('shares one bucket across a client\'s connections: burst plus rate, however many sockets', () => {
    const r = new ClientRegistry<ReturnType<typeof conn>>();
    const socks = [conn('a'), conn('a'), conn('a'), conn('a')];
    let ok = 0;
    for (let i = 0; i < 400; i++) if (r.take(socks[i % 4] as ReturnType<typeof conn>, 1_000)) ok++;
    expect(ok).toBe(RATE.audience.burst);
    expect(r.take(conn('b'), 1_000)).toBe(true); // other clients are unaffected
    expect(r.take(socks[0] as ReturnType<typeof conn>, 2_000)).toBe(true); // refills at the rate
  });
});

describe('queue budget (P33)', () => {
  const q = (n: number) => ({ n, bufferedAmount: () => n });
  it('sheds nothing within budget, and the largest queues first once over it', () => {
    const conns = [q(10), q(500), q(0), q(300), q(200)];
    expect(overBudget(conns, 1_010)).toEqual([]);
    expect(overBudget(conns, 1_000).map((c) => c.n)).toEqual([500]);
    expect(overBudget(conns, 300).map((c) => c.n)).toEqual([500, 300]); // 210 left: within budget
  });
});

describe('keyed limiter (P6 per address, P24 per client; note 58)', () => {
  it('a flood of new keys all within the same minute (an IPv6 /64 joining) keeps at most the bound; a key still in use keeps its bucket', () => {
    const limiter = new KeyedLimiter(50, 200, 50_000);
    for (let i = 0; i < 200; i++) limiter.take('venue-nat', 1_000);
    expect(limiter.take('venue-nat', 1_000)).toBe(false); // burst spent
    for (let i = 0; i < 60_000; i++) {
      limiter.take(`2001:db8::${i.toString(16)}`, 1_000); // all within the same millisecond: none is idle
      if (i % 1_000 === 0) expect(limiter.take('venue-nat', 1_000)).toBe(false); // still limited, not forgotten
    }
    expect(limiter.size).toBeLessThanOrEqual(50_000);
  });
});
