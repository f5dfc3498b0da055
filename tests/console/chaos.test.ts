/**
 * The console's promise under a bad network (P14, P16, P18): ConsoleCore talks to a real hub
 * (child process) through a proxy that cuts every connection at random every 0.5-3 s, for
 * 60 s (STAGECALL_CHAOS_SECONDS shortens it locally), while the operator publishes 500
 * actions. Afterwards the hub's log holds each action exactly once, in the order they were
 * queued, every one applied (order-sensitive actions: create, open, close), and the core's
 * mirrored staff view equals a fresh snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkState, OutboxItem } from '../../src/shared/console-api';
import type { WireEntry } from '../../src/shared/protocol';
import { ConsoleCore } from '../../src/main/core/console-core';
import { ChaosProxy } from '../helpers/chaos-proxy';
import { createEvent, startHubProcess, staffToken, tempDir, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { waitUntil } from '../helpers/wait';
import { must } from './fixtures/wait';

const CHAOS_SECONDS = Number(process.env.STAGECALL_CHAOS_SECONDS ?? 60);
const ACTIONS = 500;

/** Four actions per poll: create → open → close, then a title change; each only applies in that order. */
function action(i: number): { name: 'poll.create' | 'poll.open' | 'poll.close' | 'event.update'; data: unknown } {
  const pollId = `p${Math.floor(i / 4)}`;
  switch (i % 4) {
    case 0:
      return { name: 'poll.create', data: { pollId, question: `Question ${i}?`, kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] } };
    case 1:
      return { name: 'poll.open', data: { pollId } };
    case 2:
      return { name: 'poll.close', data: { pollId } };
    default:
      return { name: 'event.update', data: { title: `Chaos ${i}` } };
  }
}

async function readWholeLog(hubUrl: string, token: string): Promise<WireEntry[]> {
  const c = await TestClient.connect(hubUrl, token);
  const out: WireEntry[] = [];
  let from = 1;
  for (;;) {
    const at = c.frames.length;
    c.send({ t: 'history', from, limit: 1000 });
    const h = await c.waitFor((f) => f.t === 'history', { from: at });
    if (h.t !== 'history') throw new Error('not a history frame');
    out.push(...h.entries);
    if (h.next === null || h.entries.length === 0) break;
    from = h.next;
  }
  c.close();
  return out;
}

async function freshStaffView(hubUrl: string, token: string): Promise<{ serial: number; doc: unknown }> {
  const c = await TestClient.connect(hubUrl, token);
  c.send({ t: 'sub', view: 'staff' });
  await c.until(() => c.views.staff, 30_000, 'staff snapshot');
  const v = c.views.staff;
  c.close();
  if (!v) throw new Error('no snapshot');
  return { serial: v.serial, doc: v.doc };
}

describe('console under a chaotic network', () => {
  let hub: HubProcess;
  let proxy: ChaosProxy;
  let core: ConsoleCore;

  beforeAll(async () => {
    hub = await startHubProcess();
    proxy = await ChaosProxy.start(hub.port);
  });
  afterAll(async () => {
    await core?.close();
    await proxy?.close();
    await hub?.kill();
  });

  it(`P14/P16/P18: ${ACTIONS} actions through ${CHAOS_SECONDS} s of random cuts arrive exactly once, in order, and the mirror matches a fresh snapshot`, { timeout: CHAOS_SECONDS * 1000 + 90_000 }, async () => {
    const { eventId } = await createEvent(hub.url, 'Chaos');
    const host = await staffToken(hub.url, eventId, 'host', 'Chaos host');
    core = new ConsoleCore({ userDataDir: tempDir('chaos-console'), shell: 'web', version: 'test' });
    must(await core.start());

    const states: LinkState[] = [];
    core.on('status', (s) => states.push(s.state));
    const settled = new Map<string, OutboxItem>();
    core.on('outbox', (items) => {
      for (const i of items) if (i.state === 'acknowledged' || i.state === 'refused') settled.set(i.id, i);
    });
    let ackSamples = 0;
    core.on('ack', () => ackSamples++);

    const session = must(await core.request('session/joinRemote', { hubUrls: [proxy.url], token: host.token }));
    expect(session).toMatchObject({ mode: 'remote', eventId, role: 'host', clientId: host.clientId });
    await waitUntil(() => states.includes('connected'), 'first connection', 30_000);

    const started = Date.now();
    proxy.startChaos({ minMs: 500, maxMs: 3_000 });
    // Bursts of 20 (concurrent requests, as a quick operator makes them) spread over three
    // quarters of the chaos, so cuts hit actions in flight.
    const BURST = 20;
    const spreadMs = CHAOS_SECONDS * 750;
    const ids: string[] = [];
    for (let first = 0; first < ACTIONS; first += BURST) {
      const burst = Array.from({ length: Math.min(BURST, ACTIONS - first) }, (_, k) => core.request('publish', action(first + k)));
      for (const r of await Promise.all(burst)) {
        const item = must(r);
        expect(item.state).toBe('queued');
        ids.push(item.id);
      }
      // Besides the random cuts: every third burst is cut while it is on the wire.
      if ((first / BURST) % 3 === 1) proxy.cutAll();
      const wait = started + ((first + BURST) * spreadMs) / ACTIONS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait)); // workload pacing, not a correctness wait
    }
    // Concurrent requests keep their call order in the outbox.
    expect(ids.map((id) => Number(id.split(':')[1]))).toEqual(ids.map((_, i) => i + 1));
    await waitUntil(() => Date.now() - started >= CHAOS_SECONDS * 1000, 'the end of the chaos', CHAOS_SECONDS * 1000 + 5_000);
    proxy.stopChaos();
    const chaosCuts = proxy.cutConnections;

    // Every action settles once the network is calm.
    await waitUntil(async () => {
      const list = must(await core.request('outbox/list', { limit: 1000 }));
      return list.every((i) => i.state === 'acknowledged' || i.state === 'refused') && ids.every((id) => settled.has(id));
    }, 'every action acknowledged', 60_000, 200);
    const drainedMs = Date.now() - started - CHAOS_SECONDS * 1000;

    const refused = ids.filter((id) => settled.get(id)?.state !== 'acknowledged');
    expect(refused).toEqual([]);
    const notApplied = ids.filter((id) => settled.get(id)?.applied !== true);
    expect(notApplied).toEqual([]); // order-sensitive actions all took effect: none arrived before its predecessor

    // The hub's log: each action once, in the console's order.
    const log = await readWholeLog(hub.url, host.token);
    const ours = log.filter((e) => e.clientId === host.clientId).map((e) => e.id);
    expect(ours.length).toBe(ACTIONS);
    expect(ours).toEqual(ids);
    const serials = log.map((e) => e.serial);
    expect(serials).toEqual(serials.map((_, i) => i + 1)); // gapless

    // The mirror equals a fresh snapshot.
    const fresh = await freshStaffView(hub.url, host.token);
    const mirrored = await waitUntil(async () => {
      const v = must(await core.request('view/get', {}));
      return v && v.serial === fresh.serial ? v : undefined;
    }, 'the mirror to reach the final serial', 30_000);
    expect(mirrored.doc).toEqual(fresh.doc);

    const reconnects = states.filter((s) => s === 'connected').length - 1;
    const dups = [...settled.values()].filter((i) => i.dup).length;
    console.log(
      `[chaos] ${CHAOS_SECONDS} s: ${chaosCuts} connections cut, ${reconnects} reconnects, ${dups} dup acks (resends the hub deduped), ` +
        `${ackSamples} ack samples, drained ${Math.max(0, drainedMs)} ms after the chaos; log serial ${fresh.serial}`,
    );
    expect(chaosCuts).toBeGreaterThanOrEqual(Math.floor(CHAOS_SECONDS / 4));
    expect(reconnects).toBeGreaterThanOrEqual(Math.floor(CHAOS_SECONDS / 4));
  });
});
