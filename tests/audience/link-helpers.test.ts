/** Issue 6: the hub clock estimate (the shared HubClock), the `?hubs=` list, and the form limits. */
import { describe, expect, it } from 'vitest';
import { HubClock } from '../../src/shared/client';
import { hubEndpoints, trustedEndpoints } from '../../src/audience/lib/hubs';
import { checkLength, isPlausibleCode, normaliseCode, NAME_MAX, QUESTION_MAX } from '../../src/audience/lib/limits';

describe('HubClock', () => {
  it('I6 converges on the true offset from ping/pong samples and shrugs off a slow outlier', () => {
    let local = 1_000_000;
    const clock = new HubClock(() => local);
    const trueOffset = 90_000; // the hub is 90 s ahead of this phone
    clock.seed(local + trueOffset + 5_000); // the welcome's rough guess is off by 5 s
    expect(clock.offset).toBe(trueOffset + 5_000);
    for (let i = 0; i < 20; i++) {
      const sent = local;
      local += 40; // 40 ms round trip, symmetric
      clock.sample(40, sent + 20 + trueOffset);
      local += 2_000;
    }
    expect(Math.abs((clock.offset ?? 0) - trueOffset)).toBeLessThan(5);
    const sent = local;
    local += 3_000; // one pong stuck for 3 s, arriving late (asymmetric)
    clock.sample(3_000, sent + 2_900 + trueOffset);
    expect(Math.abs((clock.offset ?? 0) - trueOffset)).toBeLessThan(100);
    expect(Math.abs(clock.now() - (local + trueOffset))).toBeLessThan(100);
    expect(clock.lastRttMs).toBe(3_000);
  });
});

describe('hubEndpoints', () => {
  it('I6 reads ?hubs= in order, defaults to the page origin, refuses other schemes', () => {
    expect(hubEndpoints('', 'https://live.example')).toEqual([{ http: 'https://live.example', ws: 'wss://live.example/v1/ws' }]);
    expect(hubEndpoints('?hubs=https://a.example,http://b.example:8080,javascript:alert(1),https://a.example', 'https://x.example')).toEqual([
      { http: 'https://a.example', ws: 'wss://a.example/v1/ws' },
      { http: 'http://b.example:8080', ws: 'ws://b.example:8080/v1/ws' },
    ]);
    expect(hubEndpoints('?hubs=javascript:alert(1)', 'http://127.0.0.1:9')).toEqual([{ http: 'http://127.0.0.1:9', ws: 'ws://127.0.0.1:9/v1/ws' }]);
  });
});

describe('trustedEndpoints (issue 11 item 8)', () => {
  const ws = (list: Array<{ ws: string }>): string[] => list.map((e) => e.ws);
  it('keeps only ?hubs= entries the session\'s hub listed or the page origin, then the session\'s own hubs', () => {
    const requested = hubEndpoints('?hubs=http://evil.example,https://b.example,https://live.example', 'https://live.example');
    expect(ws(trustedEndpoints(requested, ['https://a.example', 'https://b.example'], 'https://live.example'))).toEqual([
      'wss://b.example/v1/ws',
      'wss://live.example/v1/ws',
      'wss://a.example/v1/ws',
    ]);
    // Nothing listed survives: the session's hubs; a session from an older page: the origin only.
    const evil = hubEndpoints('?hubs=http://evil.example', 'https://live.example');
    expect(ws(trustedEndpoints(evil, ['https://a.example'], 'https://live.example'))).toEqual(['wss://a.example/v1/ws']);
    expect(ws(trustedEndpoints(evil, [], 'https://live.example'))).toEqual(['wss://live.example/v1/ws']);
    // Scheme counts: the http twin of a listed https hub is another host.
    expect(ws(trustedEndpoints(hubEndpoints('?hubs=http://a.example', 'https://x.example'), ['https://a.example'], 'https://x.example'))).toEqual(['wss://a.example/v1/ws']);
  });
});

describe('limits', () => {
  it('I6 name and question limits match the hub (40 and 500, trimmed)', () => {
    expect(NAME_MAX).toBe(40);
    expect(QUESTION_MAX).toBe(500);
    expect(checkLength(`  ${'a'.repeat(40)}  `, NAME_MAX, 'name', false)).toEqual({ ok: true, text: 'a'.repeat(40) });
    expect(checkLength('a'.repeat(41), NAME_MAX, 'name', false)).toMatchObject({ ok: false, message: expect.stringContaining('limit is 40') });
    expect(checkLength('   ', QUESTION_MAX, 'question', true)).toMatchObject({ ok: false });
    expect(normaliseCode(' k7q-w2x ')).toBe('K7QW2X');
    expect(isPlausibleCode('K7QW2X')).toBe(true);
    expect(isPlausibleCode('K7QW2O')).toBe(false); // no O in join codes (P4)
  });
});
