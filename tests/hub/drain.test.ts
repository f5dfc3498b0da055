/**
 * P31: draining a node. The real hub process: health turns 503, new WebSockets are refused with
 * 503, every socket is closed with 1012 spread over --drain-seconds, and `npm run hub` exits
 * by itself once drained, whether the drain came by HTTP or by SIGUSR2.
 */
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { SUBPROTOCOL } from '../../src/shared/protocol';
import { ADMIN_KEY, createEvent, joinAudience, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: HubProcess | null = null;
afterEach(async () => {
  await hub?.kill('SIGKILL');
  hub = null;
});

const exitOf = (h: HubProcess): Promise<number | null> =>
  new Promise((resolve) => (h.child.exitCode !== null ? resolve(h.child.exitCode) : h.child.once('exit', (code) => resolve(code))));

async function audience(url: string, n: number): Promise<Array<{ c: TestClient; closedAt: number }>> {
  const { joinCode } = await createEvent(url);
  const out: Array<{ c: TestClient; closedAt: number }> = [];
  for (let i = 0; i < n; i++) {
    const j = await joinAudience(url, joinCode);
    const c = await TestClient.connect(url, j.token);
    expect(c.frames[0]?.t).toBe('welcome');
    const rec = { c, closedAt: 0 };
    c.ws.once('close', () => (rec.closedAt = Date.now()));
    out.push(rec);
  }
  return out;
}

/** The HTTP status a WebSocket upgrade gets (101 when it opens). */
const upgradeStatus = (url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, SUBPROTOCOL);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.close();
    });
    ws.once('error', (err) => reject(err));
  });

describe('P31 drain', () => {
  it('POST /v1/admin/drain: 503 health, 503 upgrades, 1012 closes spread over --drain-seconds, then the hub exits 0', async () => {
    const DRAIN_S = 3;
    const N = 20;
    hub = await startHubProcess({ args: ['--drain-seconds', String(DRAIN_S)] });
    const url = hub.url;
    const clients = await audience(url, N);
    const exited = exitOf(hub);

    const noKey = await fetch(`${url}/v1/admin/drain`, { method: 'POST' });
    expect(noKey.status).toBe(401);
    expect((await fetch(`${url}/v1/health`)).status).toBe(200);

    const t0 = Date.now();
    const res = await fetch(`${url}/v1/admin/drain`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ status: 'draining', connections: N, drainSeconds: DRAIN_S });

    const health = await fetch(`${url}/v1/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'draining' });
    expect(await upgradeStatus(url)).toBe(503);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^stagecall_draining 1$/m);

    const closes = await Promise.all(clients.map((r) => r.c.waitClosed(60_000)));
    expect(closes.map((c) => c.code)).toEqual(Array(N).fill(1012));
    // Spread, not a storm: the k-th of N closes no earlier than (k+1)/N of the window.
    const at = clients.map((r) => r.closedAt - t0).sort((a, b) => a - b);
    const windowMs = DRAIN_S * 1000;
    at.forEach((ms, k) => expect(ms).toBeGreaterThanOrEqual(((k + 1) * windowMs) / N - 150));
    expect((at.at(-1) ?? 0) - (at[0] ?? 0)).toBeGreaterThan(windowMs / 2);

    expect(await exited).toBe(0);
    hub = null;
  }, 90_000);

  it('SIGUSR2 drains too, and a second drain request is answered without starting over', async () => {
    if (process.platform === 'win32') return console.log('skipped: SIGUSR2 does not exist on Windows');
    hub = await startHubProcess({ args: ['--drain-seconds', '2'] });
    const clients = await audience(hub.url, 3);
    const exited = exitOf(hub);
    hub.child.kill('SIGUSR2');
    await expect.poll(async () => (await fetch(`${hub?.url}/v1/health`)).status, { timeout: 20_000 }).toBe(503);
    const again = await fetch(`${hub.url}/v1/admin/drain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ drainSeconds: 0 }),
    });
    expect(await again.json()).toMatchObject({ status: 'draining', alreadyDraining: true, drainSeconds: 2 });
    const closes = await Promise.all(clients.map((r) => r.c.waitClosed(60_000)));
    expect(closes.every((c) => c.code === 1012)).toBe(true);
    expect(await exited).toBe(0);
    hub = null;
  }, 90_000);

  it('refuses a malformed drain body with 400 and keeps serving', async () => {
    hub = await startHubProcess();
    const res = await fetch(`${hub.url}/v1/admin/drain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ drainSeconds: -1 }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid');
    expect((await fetch(`${hub.url}/v1/health`)).status).toBe(200);
  }, 60_000);
});
