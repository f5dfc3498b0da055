/**
 * P33 against the real hub process: at most 4 connections per audience client (the fifth closed
 * 4011); P24's rate limit per client across its connections; non-reading sockets that keep
 * re-subscribing cannot grow the hub's RSS past (connections × bound) + a documented constant,
 * and past the hub-wide queue budget the slowest are shed while everyone else is served.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { HIGH_WATER_BYTES } from '../../src/hub/view-channel';
import { SUBPROTOCOL } from '../../src/shared/protocol';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

/** docs/protocol-notes.md: what the hub may grow by besides the per-socket bound (allocator slack, GC headroom). */
const RSS_CONSTANT_BYTES = 96 * 1024 * 1024;

const rssOf = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
};

async function audienceGauge(hubUrl: string): Promise<number> {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  return Number(/stagecall_connections\{role="audience"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/** A socket that says hello, then never reads again (its TCP window fills, then the hub's queue). */
async function nonReader(hubUrl: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(`${hubUrl.replace(/^http/, 'ws')}/v1/ws`, SUBPROTOCOL);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => undefined);
  ws.send(JSON.stringify({ t: 'hello', token }));
  await new Promise<void>((resolve) => ws.once('message', () => resolve())); // welcome
  (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  return ws;
}

/** An event whose audience view is about 120 KB: 40 open polls with long labels. */
async function bigEvent(hub: HubProcess): Promise<{ eventId: string; joinCode: string; host: TestClient }> {
  const ev = await createEvent(hub.url, 'Bounds');
  const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
  for (let p = 0; p < 40; p++) {
    const options = Array.from({ length: 10 }, (_, i) => ({ id: `o${i}`, label: `${'option '.repeat(25)}${i}`.slice(0, 200) }));
    host.send({ t: 'pub', id: `c${p}`, name: 'poll.create', data: { pollId: `p${p}`, question: `Question ${p} ${'why '.repeat(100)}`.slice(0, 500), kind: 'single', options } });
    host.send({ t: 'pub', id: `o${p}`, name: 'poll.open', data: { pollId: `p${p}` } });
  }
  await host.waitFor((f) => f.t === 'ack' && f.id === 'o39');
  return { ...ev, host };
}

describe('P33 per-client bounds', () => {
  let hub: HubProcess;
  let ev: { eventId: string; joinCode: string };
  beforeAll(async () => {
    hub = await startHubProcess();
    ev = await createEvent(hub.url, 'P33');
  });
  afterAll(async () => {
    await hub.kill();
  });

  it('P33 a fifth concurrent connection of one audience client is closed 4011; after one leaves, another is admitted', async () => {
    const { token } = await joinAudience(hub.url, ev.joinCode);
    const four = await Promise.all(Array.from({ length: 4 }, () => TestClient.connect(hub.url, token)));
    for (const c of four) expect(c.frames[0]?.t).toBe('welcome');
    const fifth = await TestClient.open(hub.url);
    fifth.send({ t: 'hello', token });
    expect((await fifth.waitClosed()).code).toBe(4011);
    const other = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token); // another client is unaffected
    expect(other.frames[0]?.t).toBe('welcome');
    four[0]?.close();
    await four[0]?.waitClosed();
    await expect.poll(async () => {
      const again = await TestClient.connect(hub.url, token);
      const ok = again.frames[0]?.t === 'welcome' && again.closed === null;
      again.close();
      return ok;
    }, { timeout: 30_000 }).toBe(true);
    for (const c of [...four.slice(1), other]) c.close();
  });

  it('P33 P24 the rate limit holds per client across its connections: 4 sockets get one bucket, not four', async () => {
    const { token } = await joinAudience(hub.url, ev.joinCode);
    const socks = await Promise.all(Array.from({ length: 4 }, () => TestClient.connect(hub.url, token)));
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) for (const [k, c] of socks.entries()) c.send({ t: 'pub', id: `r${k}-${i}`, name: 'reaction.send', data: { emoji: '👍' } });
    const answers = () => socks.reduce((n, c) => n + c.frames.filter((f) => f.t === 'ack' || f.t === 'nack').length, 0);
    await expect.poll(answers, { timeout: 60_000 }).toBe(400);
    const elapsedS = (performance.now() - t0) / 1000;
    const acked = socks.reduce((n, c) => n + c.frames.filter((f) => f.t === 'ack').length, 0);
    // One bucket: its burst (40) plus 20/s while the 400 frames arrived. Four buckets would take 160.
    expect(acked).toBeLessThanOrEqual(40 + Math.ceil(20 * elapsedS) + 1);
    expect(acked).toBeLessThan(160);
    for (const c of socks) c.close();
  });
});

describe('P33 memory: non-reading sockets that re-subscribe', () => {
  it('cannot grow hub RSS past connections × (bound + one snapshot) + a constant; over the hub budget the slowest are shed', { timeout: 180_000 }, async () => {
    const hub = await startHubProcess({ args: ['--queue-budget-mb', '0.25'] });
    try {
      const ev = await bigEvent(hub);
      const probe = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
      probe.send({ t: 'sub', view: 'audience' });
      await probe.until(() => probe.views.audience);
      const snapshotBytes = Buffer.byteLength(JSON.stringify(probe.views.audience?.doc));
      expect(snapshotBytes).toBeGreaterThan(60_000);
      const bystanderToken = (await joinAudience(hub.url, ev.joinCode)).token;
      const bystander = await TestClient.connect(hub.url, bystanderToken);

      const N = 10;
      const readers = await Promise.all(Array.from({ length: N }, async () => nonReader(hub.url, (await joinAudience(hub.url, ev.joinCode)).token)));
      const before = rssOf(hub.child.pid as number);
      let peak = before;
      let sent = 0;
      // 18 subs a second each (under the 20/s limit), for 10 s: 1,800 snapshot requests, ~200 MB unbounded.
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        for (const ws of readers) if (ws.readyState === WebSocket.OPEN) ws.send('{"t":"sub","view":"audience"}');
        sent += N;
        peak = Math.max(peak, rssOf(hub.child.pid as number));
        await new Promise((r) => setTimeout(r, 1000 / 18));
      }
      const bound = N * (HIGH_WATER_BYTES + snapshotBytes) + RSS_CONSTANT_BYTES;
      console.log(`memory bound: ${sent} subs from ${N} non-reading sockets; RSS ${Math.round(before / 2 ** 20)} → peak ${Math.round(peak / 2 ** 20)} MB (allowed growth ${Math.round(bound / 2 ** 20)} MB)`);
      expect(peak - before).toBeLessThanOrEqual(bound);
      // Over the 256 KiB hub-wide budget the slowest readers are shed; the bystander is served throughout.
      await expect.poll(() => hub.output(), { timeout: 60_000 }).toMatch(/shedding a slow consumer/);
      await expect.poll(() => audienceGauge(hub.url), { timeout: 60_000 }).toBeLessThan(2 + N);
      const r = await bystander.pub('still-here', 'vote.cast', { pollId: 'p1', optionIds: ['o1'] });
      expect(r).toMatchObject({ t: 'ack', applied: true });
      for (const ws of readers) ws.terminate();
      probe.close();
      bystander.close();
      ev.host.close();
    } finally {
      await hub.kill();
    }
  });
});
