/**
 * A hostile attendee against the real hub process (docs/security.md "Input that anyone can
 * send"): frames that are valid JSON and pass every schema but abuse the protocol's limits.
 * Each case fails on a hub without the defence it names.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SUBPROTOCOL } from '../../src/shared/protocol';
import type { DeliveryStats, HubFrame } from '../../src/shared/protocol';
import { waitUntil } from '../helpers/wait';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { RawWsPeer, textFrame } from '../helpers/raw-ws';
import { TestClient } from '../helpers/test-client';

const hubs: HubProcess[] = [];
const clients: TestClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.kill();
});

type Stats = Extract<HubFrame, { t: 'stats' }> & { delivery: { audience: DeliveryStats } };
const isStats = (f: HubFrame): f is Stats => f.t === 'stats' && f.delivery !== undefined;

const metric = async (hubUrl: string, name: string): Promise<number> => {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
};

describe('hostile attendee (embedded hub process)', () => {
  it('P27 `at` faster than once a second per view: the excess is dropped and counted (note 53)', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'At flood');
    const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    clients.push(host);
    expect((await host.pub('c1', 'poll.create', { pollId: 'p1', question: 'Q?', kind: 'single', options: [{ id: 'y', label: 'Y' }, { id: 'n', label: 'N' }] })).t).toBe('ack');
    expect(await host.pub('o1', 'poll.open', { pollId: 'p1' })).toMatchObject({ t: 'ack', applied: true });

    const phone = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
    clients.push(phone);
    phone.send({ t: 'sub', view: 'audience' });
    // The phone's own arrival moves the audience view once more (presence, once a second): report after it.
    const serial = await phone.until(() => {
      const v = phone.views.audience as { serial: number; doc: { audience: { online: number } } } | undefined;
      return v && v.doc.audience.online === 1 ? v.serial : undefined;
    });
    // Two honest reports of the state it shows (a burst of two absorbs network jitter), then a
    // flood that claims it shows nothing: within the same second, all of it must be ignored.
    phone.send({ t: 'at', view: 'audience', serial });
    phone.send({ t: 'at', view: 'audience', serial });
    for (let i = 0; i < 10; i++) phone.send({ t: 'at', view: 'audience', serial: 0 });
    phone.send({ t: 'ping', id: 1, ts: 1 });
    await phone.waitFor((f) => f.t === 'pong'); // frames are handled in order: the flood is in
    expect(phone.frames.filter((f) => f.t === 'error')).toEqual([]); // `at` has no answer (P27), not even a refusal
    expect(await metric(hub.url, 'stagecall_at_reports_dropped_total')).toBe(10);

    const mark = host.frames.length;
    host.send({ t: 'sub', view: 'stats' });
    const st = (await host.waitFor((f) => isStats(f) && f.delivery.audience.reported === 1, { from: mark })) as Stats;
    expect(st.delivery.audience).toMatchObject({ subscribers: 1, reported: 1, atCurrent: 1, cues: { p1: 1 } });
    expect(phone.closed).toBeNull();
  });

  it('connections per address are bounded (note 54): over it a 429 in JSON, other addresses unaffected', async () => {
    const hub = await startHubProcess({ args: ['--max-connections-per-address', '20'] });
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Per address');
    // The bystander is another peer: it connects from 127.0.0.2.
    const bystander = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token, {}, { localAddress: '127.0.0.2' });
    clients.push(bystander);
    expect(bystander.frames[0]?.t).toBe('welcome');

    // The attacker (127.0.0.1) opens sockets that never say hello, as fast as it can.
    const refusals: Array<{ status: number; body: string }> = [];
    const opened: WebSocket[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        const ws = new WebSocket(`${hub.url.replace(/^http/, 'ws')}/v1/ws`, SUBPROTOCOL);
        ws.on('error', () => undefined);
        await new Promise<void>((resolve) => {
          ws.once('open', () => {
            opened.push(ws);
            resolve();
          });
          ws.once('unexpected-response', (_req, res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => {
              refusals.push({ status: res.statusCode ?? 0, body });
              resolve();
            });
          });
          ws.once('close', () => resolve());
        });
      }),
    );
    try {
      expect(opened.length).toBeLessThanOrEqual(20);
      expect(refusals.length).toBeGreaterThanOrEqual(20);
      for (const r of refusals) {
        expect(r.status).toBe(429);
        expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'too_many_connections' } });
      }
      // Everyone else is served meanwhile.
      expect(await bystander.pub('r1', 'reaction.send', { emoji: '👏' })).toMatchObject({ t: 'ack' });
      expect((await fetch(`${hub.url}/metrics`)).status).toBe(200);
    } finally {
      for (const ws of opened) ws.terminate();
    }
    // The bound is on concurrent connections: once the attacker's close, the address is served again.
    const again = await waitUntil(
      async () => {
        const c = await TestClient.open(hub.url).catch(() => undefined);
        return c;
      },
      'a new connection from 127.0.0.1 once the others closed',
    );
    clients.push(again);
  });

  it('a request that never finishes its headers is answered 408 within seconds, not held for a minute (note 54)', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const sock = net.connect(hub.port, '127.0.0.1');
    sock.on('error', () => undefined);
    let answer = '';
    sock.on('data', (d: Buffer) => (answer += d.toString()));
    const ended = new Promise<void>((resolve) => sock.once('close', () => resolve()));
    const t0 = Date.now();
    sock.write('GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    const trickle = setInterval(() => sock.write('a'), 1_000); // a byte a second keeps Node's socket timeout away
    try {
      await Promise.race([ended, new Promise((_r, reject) => setTimeout(() => reject(new Error(`still open after 20 s: ${answer}`)), 20_000))]);
    } finally {
      clearInterval(trickle);
      sock.destroy();
    }
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"code":"timeout"');
  }, 30_000);

  it('frames sent while hello is being checked are dropped unread: not decoded, not counted, no answer', async () => {
    const hub = await startHubProcess();
    hubs.push(hub);
    const ev = await createEvent(hub.url, 'Racing hello');
    const { token } = await joinAudience(hub.url, ev.joinCode);
    const peer = await RawWsPeer.open(hub.port);
    // One write, so the hub reads it in one go while the token check is still pending: hello,
    // then more non-JSON frames than P2's malformed budget (each one a parse, were it decoded).
    const racing = Array.from({ length: 25 }, () => textFrame(`{"t":"ping","pad":"${'x'.repeat(500)}"`));
    peer.write(Buffer.concat([textFrame(JSON.stringify({ t: 'hello', token, client: { name: 'racer', version: '0' } })), ...racing]));
    await peer.until(() => (peer.texts.some((t) => t.includes('"t":"welcome"')) ? true : undefined), 30_000, 'welcome');
    peer.write(textFrame(JSON.stringify({ t: 'ping', id: 1, ts: 1 })));
    await peer.until(() => (peer.texts.some((t) => t.includes('"t":"pong"')) ? true : undefined), 30_000, 'pong');
    expect(peer.texts.filter((t) => t.includes('"t":"error"'))).toEqual([]);
    expect(peer.open).toBe(true);
    peer.destroy();
  });
});
