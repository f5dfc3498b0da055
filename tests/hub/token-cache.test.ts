/**
 * Issue 18: the hub remembers the claims of tokens it verified, by token string, so a reconnect
 * storm's hellos skip the signature check. Against the real hub process over loopback: a
 * remembered token still expires at its `exp`, a remembered token of a revoked client (P32) is
 * still refused, and the cache keeps at most --token-cache-size tokens, least recently used out.
 * What the cache did is read from /metrics (`stagecall_token_cache_*`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createEvent, hubTokenAuthority, joinAudience, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { waitUntil } from '../helpers/wait';

/** Says hello with a token, closes, and says what the hub answered first and how it ended (0: still open). */
async function hello(url: string, token: string): Promise<{ first: string | undefined; message?: string; code: number }> {
  const c = await TestClient.connect(url, token);
  const f = c.frames[0];
  const first = f?.t === 'error' ? `error ${f.code}` : f?.t;
  const code = f?.t === 'error' ? (await c.waitClosed()).code : 0;
  c.close();
  return { first, ...(f?.t === 'error' ? { message: f.message } : {}), code };
}

async function cacheFigures(url: string): Promise<{ entries: number; hit: number; miss: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const num = (re: RegExp): number => Number(re.exec(text)?.[1] ?? NaN);
  return {
    entries: num(/^stagecall_token_cache_entries (\d+)$/m),
    hit: num(/^stagecall_token_cache_lookups_total\{result="hit"\} (\d+)$/m),
    miss: num(/^stagecall_token_cache_lookups_total\{result="miss"\} (\d+)$/m),
  };
}

describe('hello token cache (issue 18, real hub process)', () => {
  const hubs: HubProcess[] = [];
  afterAll(async () => {
    for (const h of hubs) await h.kill();
  });

  it('remembers a verified token, and still refuses it once expired', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Cache expiry');
    const t = await hubTokenAuthority(hub).issue({ clientId: 'c_short', eventId: ev.eventId, role: 'audience', name: 'Brief' }, 2);
    expect(await hello(hub.url, t.token)).toEqual({ first: 'welcome', code: 0 });
    expect(await hello(hub.url, t.token)).toEqual({ first: 'welcome', code: 0 });
    expect(await cacheFigures(hub.url)).toMatchObject({ hit: 1, miss: 1, entries: 1 });

    await waitUntil(() => Date.now() >= t.expiresAt, 'the token to expire', 5_000);
    expect(await hello(hub.url, t.token)).toEqual({ first: 'error unauthorized', message: 'token expired', code: 4001 });
    // Expired tokens are forgotten, and one checked afresh is refused by its signature check too.
    expect((await cacheFigures(hub.url)).entries).toBe(0);
    expect(await hello(hub.url, t.token)).toEqual({ first: 'error unauthorized', message: 'token expired', code: 4001 });
    expect(await cacheFigures(hub.url)).toMatchObject({ hit: 1, miss: 2, entries: 0 });
  });

  it('refuses a remembered token once its client is revoked (P32)', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Cache revoke');
    const phone = await joinAudience(hub.url, ev.joinCode, 'Mallory');
    expect(await hello(hub.url, phone.token)).toEqual({ first: 'welcome', code: 0 });
    expect(await hello(hub.url, phone.token)).toEqual({ first: 'welcome', code: 0 });
    expect(await cacheFigures(hub.url)).toMatchObject({ hit: 1, miss: 1 });

    const res = await fetch(`${hub.url}/v1/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ eventId: ev.eventId, clientId: phone.clientId }),
    });
    expect(res.status).toBe(200);
    expect(await hello(hub.url, phone.token)).toEqual({ first: 'error unauthorized', message: 'token revoked', code: 4001 });
    // It was the remembered claims that were refused: the signature was not checked again.
    expect(await cacheFigures(hub.url)).toMatchObject({ hit: 2, miss: 1 });
  });

  it('keeps at most --token-cache-size tokens, the least recently used out first', async () => {
    const hub = await startHubProcess({ args: ['--token-cache-size', '2'] });
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Cache bound');
    const [a, b, c] = await Promise.all(['A', 'B', 'C'].map((n) => joinAudience(hub.url, ev.joinCode, n)));
    if (!a || !b || !c) throw new Error('join failed');
    for (const t of [a, b, a, c]) expect((await hello(hub.url, t.token)).first).toBe('welcome');
    // A was used after B, so C's arrival pushed B out.
    expect(await cacheFigures(hub.url)).toEqual({ entries: 2, hit: 1, miss: 3 });
    expect((await hello(hub.url, a.token)).first).toBe('welcome');
    expect(await cacheFigures(hub.url)).toEqual({ entries: 2, hit: 2, miss: 3 });
    expect((await hello(hub.url, b.token)).first).toBe('welcome'); // verified again: still good
    expect(await cacheFigures(hub.url)).toEqual({ entries: 2, hit: 2, miss: 4 });
    expect((await hello(hub.url, c.token)).first).toBe('welcome'); // B pushed out C (A, B were newer)
    expect(await cacheFigures(hub.url)).toEqual({ entries: 2, hit: 2, miss: 5 });
  });
});
