/**
 * An operator's actions survive the console being killed (DESIGN.md, Journal): a console in
 * its own process queues 100 actions while its hub is down, is SIGKILLed, and is started
 * again on the same data folder; once the hub comes back on that port, all 100 arrive once
 * each, in the order they were queued, without the operator doing anything.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { OutboxItem, SessionInfo } from '../../src/shared/console-api';
import type { WireEntry } from '../../src/shared/protocol';
import { createEvent, startHubProcess, staffToken, tempDir, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { spawnCore, type CoreChild } from './fixtures/spawn-core';
import { waitUntil } from '../helpers/wait';
import { must } from './fixtures/wait';

const N = 100;
const children: CoreChild[] = [];
const hubs: HubProcess[] = [];

afterAll(async () => {
  for (const c of children) await c.kill();
  for (const h of hubs) await h.kill();
});

describe('console restart', () => {
  it('P14: 100 actions queued offline, console SIGKILLed and restarted, hub started on that port: all delivered once, in order', { timeout: 90_000 }, async () => {
    // A hub to create the event and its token, then stopped: nothing listens on its port.
    const hubData = tempDir('restart-hub');
    const first = await startHubProcess({ dataDir: hubData });
    hubs.push(first);
    const { eventId } = await createEvent(first.url, 'Restart');
    const host = await staffToken(first.url, eventId, 'host', 'Restart host');
    const port = first.port;
    await first.kill('SIGTERM');

    const userData = tempDir('restart-console');
    const a = spawnCore(userData);
    children.push(a);
    must(await a.waitFor((l) => (l as { ready?: { ok: true; value: SessionInfo } }).ready));
    const joined = await a.request('session/joinRemote', { hubUrls: [`http://127.0.0.1:${port}`], token: host.token });
    expect(joined).toMatchObject({ ok: true, value: { mode: 'remote', eventId } });

    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const r = (await a.request('publish', { name: 'event.update', data: { title: `Take ${i}` } })) as { ok: true; value: OutboxItem };
      expect(r.ok).toBe(true);
      ids.push(r.value.id);
    }
    const queued = must((await a.request('outbox/list', { limit: 1000 })) as { ok: true; value: OutboxItem[] });
    expect(queued.filter((i) => i.state === 'queued').map((i) => i.id)).toEqual(ids);
    expect(a.lines.some((l) => (l as { status?: string }).status === 'connected')).toBe(false);
    await a.kill(); // SIGKILL: no close(), no flush beyond what publish already fsynced

    const b = spawnCore(userData);
    children.push(b);
    const resumed = must(await b.waitFor((l) => (l as { ready?: { ok: true; value: SessionInfo } }).ready));
    expect(resumed).toMatchObject({ mode: 'remote', eventId, clientId: host.clientId });

    const hub = await startHubProcess({ dataDir: hubData, port });
    hubs.push(hub);
    await b.waitFor((l) => ((l as { status?: string }).status === 'connected' ? true : undefined), 60_000);
    await waitUntil(async () => {
      const list = (await b.request('outbox/list', { limit: 1000 })) as { ok: true; value: OutboxItem[] };
      return list.ok && list.value.length === N && list.value.every((i) => i.state === 'acknowledged');
    }, 'all 100 acknowledged', 60_000, 100);

    const c = await TestClient.connect(hub.url, host.token);
    c.send({ t: 'history', from: 1, limit: 1000 });
    const h = await c.waitFor((f) => f.t === 'history');
    c.close();
    const entries = (h as { entries: WireEntry[] }).entries.filter((e) => e.clientId === host.clientId);
    expect(entries.map((e) => e.id)).toEqual(ids);
    expect(entries.map((e) => (e.data as { title: string }).title)).toEqual(ids.map((_, i) => `Take ${i}`));
  });
});
