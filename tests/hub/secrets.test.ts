/**
 * Issue 11 item 7 (P8, P32), against the real hub process: a weak admin key is refused with a
 * clear message; tokens are signed with a random secret kept in the data folder (mode 0600), so
 * knowing the admin key does not let anyone mint tokens; an expiring token is enforced on a live
 * connection (error unauthorized, close 4001 at `exp`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, createEvent, hubTokenAuthority, runHubUntilReady, startHubProcess, tempDir, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

const runHub = (adminKey: string): ReturnType<typeof runHubUntilReady> => runHubUntilReady(['--port', '0', '--data', tempDir('weak-key'), '--admin-key', adminKey]);

describe('admin key strength', () => {
  it('refuses hunter2 and long keys from a tiny alphabet, exit 2 with a clear message', async () => {
    const short = await runHub('hunter2');
    expect(short.code).toBe(2);
    expect(short.out).toMatch(/admin key is 7 characters long; use at least 24/);
    const repeated = await runHub('abababababababababababababab');
    expect(repeated.code).toBe(2);
    expect(repeated.out).toMatch(/only 2 different characters/);
  });
});

describe('token signing secret', () => {
  let hub: HubProcess;
  beforeAll(async () => {
    hub = await startHubProcess();
  });
  afterAll(async () => {
    await hub.kill();
  });

  it('is random, kept in the data folder with mode 0600, and a token signed from the admin key is refused', async () => {
    const file = path.join(hub.dataDir, 'token-secret');
    expect(fs.readFileSync(file, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const ev = await createEvent(hub.url, 'Secrets');
    // The old scheme: HMAC(admin key, constant). Anyone holding the key (or cracking a weak one
    // from a free audience token) could mint a host token.
    const derived = crypto.createHmac('sha256', ADMIN_KEY).update('stagecall-token-signing-v1').digest();
    const forged = await new SignJWT({ evt: ev.eventId, role: 'host', name: 'Mallory' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('host_forged')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(derived);
    const c = await TestClient.open(hub.url);
    c.send({ t: 'hello', token: forged });
    expect((await c.waitClosed()).code).toBe(4001);
  });

  it('P32 a token that expires while connected gets error unauthorized and close 4001 at exp', async () => {
    const ev = await createEvent(hub.url, 'Expiry');
    const t = await hubTokenAuthority(hub).issue({ clientId: 'host_short', eventId: ev.eventId, role: 'host', name: 'Short' }, 2);
    const c = await TestClient.connect(hub.url, t.token);
    expect(c.frames[0]?.t).toBe('welcome');
    const closed = await c.waitClosed(30_000);
    expect(closed.code).toBe(4001);
    expect(Date.now()).toBeGreaterThanOrEqual(t.expiresAt - 50);
    expect(c.frames.some((f) => f.t === 'error' && f.code === 'unauthorized')).toBe(true);
  });
});
