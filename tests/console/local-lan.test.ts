/**
 * Issue 13 item 3: in local mode the embedded hub listens where phones on the network can reach
 * it, and the join URL (and so the QR) names that address, not loopback; --local-only stays on
 * loopback and the console says in words that phones cannot join.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../src/main/core/console-core';
import { lanAddress } from '../../src/main/core/local-hub';
import { isLoopbackUrl } from '../../src/shared/join-url';
import { tempDir } from '../helpers/hub-process';

const cores: ConsoleCore[] = [];
afterAll(async () => {
  for (const c of cores) await c.close();
});

async function startLocal(lan?: boolean) {
  const core = new ConsoleCore({ userDataDir: tempDir('lan'), shell: 'web', version: '0' });
  cores.push(core);
  const started = await core.start();
  if (!started.ok) throw new Error(started.error.message);
  const r = await core.request('session/startLocal', lan === undefined ? { title: 'Venue' } : { title: 'Venue', lan });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const address = lanAddress();
if (!address) console.log('local-lan.test: skipped the LAN case: this machine has no network interface besides loopback');

describe('local mode join URL', () => {
  it.skipIf(!address)('by default the join URL uses the machine’s network address, and the hub answers there', { timeout: 60_000 }, async () => {
    const s = await startLocal();
    expect(s.joinUrl).not.toBeNull();
    const url = new URL(s.joinUrl as string);
    expect(isLoopbackUrl(url.href)).toBe(false);
    expect(url.hostname).toBe(address);
    // Reachable on that address, not just printed: what a phone on the network would do first.
    const health = await fetch(`${url.origin}/v1/health`);
    expect(health.status).toBe(200);
    const join = await fetch(`${url.origin}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: s.joinCode }) });
    expect(join.status).toBe(200);
  });

  it('--local-only (lan:false) keeps the hub on loopback, and the join URL says loopback', { timeout: 60_000 }, async () => {
    const s = await startLocal(false);
    expect(isLoopbackUrl(s.joinUrl as string)).toBe(true);
    if (address) {
      const port = new URL(s.joinUrl as string).port;
      await expect(fetch(`http://${address}:${port}/v1/health`)).rejects.toThrow();
    }
  });
});
