/**
 * P32 `POST /v1/revoke` against the real hub process (embedded engine): the revoked phone's
 * live connection gets error unauthorized and close 4001, its token is refused at hello from
 * then on, even after the hub restarts over the same data folder, while other clients carry on.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

const revoke = (hubUrl: string, body: unknown, key: string | null = ADMIN_KEY): Promise<Response> =>
  fetch(`${hubUrl}/v1/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify(body),
  });

/** Says hello with a token and resolves with how the hub ended the session. */
async function helloOutcome(url: string, token: string): Promise<{ error: string | undefined; code: number }> {
  const c = await TestClient.connect(url, token);
  const f = c.frames[0];
  const closed = await c.waitClosed();
  return { error: f?.t === 'error' ? f.message : f?.t, code: closed.code };
}

describe('P32 revoke (embedded hub process)', () => {
  const hubs: HubProcess[] = [];
  afterAll(async () => {
    for (const h of hubs) await h.kill();
  });

  it('closes the revoked phone with 4001, refuses it at hello (also after a restart), and leaves others alone', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Revoke');
    const host = await staffToken(hub.url, ev.eventId);
    const phone = await joinAudience(hub.url, ev.joinCode, 'Mallory');
    const other = await joinAudience(hub.url, ev.joinCode, 'Alice');
    const phoneA = await TestClient.connect(hub.url, phone.token);
    const phoneB = await TestClient.connect(hub.url, phone.token); // a second tab of the same phone
    const alice = await TestClient.connect(hub.url, other.token);
    const hostC = await TestClient.connect(hub.url, host.token);
    for (const c of [phoneA, phoneB, alice, hostC]) expect(c.frames[0]?.t).toBe('welcome');

    // Refusals first: nothing is revoked by a request without the admin key or with a bad body.
    expect((await revoke(hub.url, { eventId: ev.eventId, clientId: phone.clientId }, null)).status).toBe(401);
    expect((await revoke(hub.url, { eventId: ev.eventId, clientId: phone.clientId }, host.token)).status).toBe(401);
    expect((await revoke(hub.url, { eventId: ev.eventId })).status).toBe(400);
    expect((await revoke(hub.url, { eventId: ev.eventId, clientId: phone.clientId, extra: 1 })).status).toBe(400);
    expect((await revoke(hub.url, { eventId: 'evt_nope', clientId: phone.clientId })).status).toBe(404);
    expect(phoneA.closed).toBeNull();

    const res = await revoke(hub.url, { eventId: ev.eventId, clientId: phone.clientId });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { revokedUntil: number };
    expect(body.revokedUntil).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000); // outlives a 7-day staff token

    for (const c of [phoneA, phoneB]) {
      expect((await c.waitClosed()).code).toBe(4001);
      expect(c.frames.some((f) => f.t === 'error' && f.code === 'unauthorized' && /revoked/.test(f.message))).toBe(true);
    }
    expect(await helloOutcome(hub.url, phone.token)).toEqual({ error: 'token revoked', code: 4001 });

    // Everyone else is untouched: Alice still votes, the host still publishes.
    expect((await hostC.pub('p1', 'poll.create', { pollId: 'p1', question: 'Q?', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] })).t).toBe('ack');
    expect((await hostC.pub('p1o', 'poll.open', { pollId: 'p1' })).t).toBe('ack');
    expect((await alice.pub('v1', 'vote.cast', { pollId: 'p1', optionIds: ['a'] })).t).toBe('ack');
    expect(alice.closed).toBeNull();
    for (const c of [alice, hostC]) c.close();

    // The revocation is in the data folder: a restarted hub still refuses the token.
    await hub.kill();
    const again = await startHubProcess({ dataDir: hub.dataDir });
    hubs.push(again);
    expect(await helloOutcome(again.url, phone.token)).toEqual({ error: 'token revoked', code: 4001 });
    const aliceAgain = await TestClient.connect(again.url, other.token);
    expect(aliceAgain.frames[0]?.t).toBe('welcome');
    aliceAgain.close();
  });
});
