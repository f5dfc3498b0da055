/**
 * A hostile network peer against the real hub process: WebSocket control frames (RFC 6455 5.5),
 * which never reach the frame decoder, must not escape P24's flood bound nor P33's queue bound.
 * Each case fails on a hub without the defence it names (docs/protocol-notes.md note 56).
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, joinAudience, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { WS_UPGRADE_HEADERS, rawRequest } from '../helpers/raw-http';
import { OPCODE, RawWsPeer, encodeFrame } from '../helpers/raw-ws';
import { TestClient } from '../helpers/test-client';
import { waitUntil } from '../helpers/wait';

let hub: HubProcess;
let ev: { eventId: string; joinCode: string };
let bystander: TestClient;

beforeAll(async () => {
  hub = await startHubProcess();
  ev = await createEvent(hub.url, 'Hostile peer');
  bystander = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
});
afterAll(async () => {
  bystander.close();
  await hub.kill();
});

/** A raw TCP socket to the hub that notices the hub ending it. */
function netConnect(port: number): net.Socket {
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => undefined);
  return sock;
}

const rssMB = (): number => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${hub.child.pid}/status`, 'utf8'))?.[1]) / 1024;

async function bystanderServed(): Promise<void> {
  const id = `alive-${Date.now()}-${Math.random()}`;
  bystander.send({ t: 'ping', id, ts: 1 });
  await bystander.waitFor((f) => f.t === 'pong' && f.id === id);
}

describe('hostile peer: control frames', () => {
  it('P24 P25 a ping-frame flood from a peer that reads every pong is closed 4008, like a text flood, while a bystander is served', async () => {
    const a = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token);
    let pongs = 0;
    a.ws.on('pong', () => pongs++);
    // 40 pings every 5 ms, thousands a second, whether answered or not; never 60 unanswered at
    // once on loopback, where ws alone would cut the peer.
    const t0 = Date.now();
    const timer = setInterval(() => {
      if (!a.closed) for (let i = 0; i < 40; i++) a.ws.ping();
    }, 5);
    const answered: number[] = [];
    const probe = setInterval(() => {
      const id = `probe-${answered.length}-${Date.now()}`;
      bystander.send({ t: 'ping', id, ts: 1 });
      void bystander.waitFor((f) => f.t === 'pong' && f.id === id).then(() => answered.push(Date.now()));
    }, 250);
    try {
      // Without the bound the hub answered every ping for as long as the peer cared to send them.
      expect((await a.waitClosed(40_000)).code).toBe(4008);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(8_000); // "five times over for 10 s", as for text frames
    } finally {
      clearInterval(timer);
      clearInterval(probe);
    }
    expect(pongs).toBeGreaterThan(0); // pings within the rate are still answered
    expect(answered.length).toBeGreaterThan(10);
  }, 60_000);

  it('P33 a peer that sends 2 million pings (250 MB of pongs owed) and never reads costs the hub no more than a bound; the hub keeps serving', async () => {
    const { token } = await joinAudience(hub.url, ev.joinCode);
    const peer = await RawWsPeer.connect(hub.port, token);
    const sock = (peer as unknown as { socket: net.Socket }).socket;
    sock.pause(); // reads nothing more: every pong the hub answers piles up
    sock.on('error', () => undefined);
    const before = rssMB();
    const ping = encodeFrame({ opcode: OPCODE.ping, payload: Buffer.alloc(125, 0x78) });
    const batch = Buffer.concat(Array.from({ length: 1_000 }, () => ping));
    let peak = before;
    for (let sent = 0; !sock.destroyed && sent < 2_000_000; sent += 1_000) {
      if (!sock.write(batch)) await new Promise((resolve) => (sock.once('drain', resolve), sock.once('close', resolve)));
      if (sent % 100_000 === 0) peak = Math.max(peak, rssMB());
    }
    peak = Math.max(peak, rssMB());
    console.log(`[hostile-peer] hub RSS ${before.toFixed(0)} MB before the ping flood, peak ${peak.toFixed(0)} MB; peer ${sock.destroyed ? 'dropped' : 'still connected'}`);
    expect(peak - before).toBeLessThan(64);
    await bystanderServed();
    sock.destroy();
  });
});

describe('hostile peer: messages that never end (note 57)', () => {
  // Each case holds its sockets open without ever completing a message: what the hub keeps for
  // them is only ever freed when they go. Before the bounds, ~2 MB and ~15 MB a connection.
  it('a message sent as 16,000 one-byte fragments, on 40 connections, is refused 1008; the hub holds no more than a bound', async () => {
    const first = encodeFrame({ opcode: OPCODE.text, payload: Buffer.from('{'), fin: false });
    const more = encodeFrame({ opcode: OPCODE.continuation, payload: Buffer.from(' '), fin: false });
    const body = Buffer.concat([first, ...Array.from({ length: 16_000 }, () => more)]); // 112 KB, never finished
    const before = rssMB();
    const peers: RawWsPeer[] = [];
    try {
      for (let k = 0; k < 40; k++) {
        const peer = await RawWsPeer.connect(hub.port, (await joinAudience(hub.url, ev.joinCode)).token);
        peers.push(peer);
        peer.write(body);
      }
      await bystanderServed(); // the hub has read what came before
      const grown = rssMB() - before;
      console.log(`[hostile-peer] 40 x 16,000 fragments: hub RSS +${grown.toFixed(0)} MB; closes ${[...new Set(peers.map((p) => p.closeCode))].join(',')}`);
      expect(grown).toBeLessThan(32);
      for (const p of peers) await p.until(() => p.closeCode ?? undefined, 30_000, 'close');
      expect(new Set(peers.map((p) => p.closeCode))).toEqual(new Set([1008]));
    } finally {
      for (const p of peers) p.destroy();
    }
  });

  it('a 60 KB frame trickled a byte per TCP segment, on 4 connections, holds no more than a bound in the hub', async () => {
    const frame = encodeFrame({ opcode: OPCODE.text, payload: Buffer.alloc(60_000, 0x20) });
    const before = rssMB();
    const peers: RawWsPeer[] = [];
    try {
      for (let k = 0; k < 4; k++) {
        const peer = await RawWsPeer.connect(hub.port, (await joinAudience(hub.url, ev.joinCode)).token);
        (peer as unknown as { socket: net.Socket }).socket.setNoDelay(true);
        peers.push(peer);
      }
      for (let i = 0; i < frame.length - 10 && peers.some((p) => p.open); i++) {
        for (const p of peers) p.write(frame.subarray(i, i + 1));
        if (i % 4 === 0) await new Promise((resolve) => setImmediate(resolve)); // separate segments
      }
      await bystanderServed();
      const grown = rssMB() - before;
      console.log(`[hostile-peer] 4 x 60 KB frame a byte at a time: hub RSS +${grown.toFixed(0)} MB; closes ${peers.map((p) => p.closeCode).join(',')}`);
      expect(grown).toBeLessThan(32);
    } finally {
      for (const p of peers) p.destroy();
    }
  });
});

describe('hostile peer: compression and join codes', () => {
  it('permessage-deflate is never negotiated, and a compressed (RSV1) frame is refused 1002: no inflate bomb reaches the hub', async () => {
    const c = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode)).token); // ws offers permessage-deflate by default
    expect(c.ws.extensions).toBe('');
    c.close();
    const peer = await RawWsPeer.connect(hub.port, (await joinAudience(hub.url, ev.joinCode)).token);
    peer.write(encodeFrame({ opcode: OPCODE.text, payload: Buffer.from([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]), rsv: 4 })); // "Hello", deflated
    expect(await peer.until(() => peer.closeCode ?? undefined, 30_000, 'close')).toBe(1002);
    peer.destroy();
    await bystanderServed();
  });

  it('P6 guessing join codes from one address is refused 429 past the burst, whether the guesses exist or not; another address still joins', async () => {
    const join = (code: string, localAddress: string): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const body = JSON.stringify({ code });
        const req = http.request(
          { host: '127.0.0.1', port: hub.port, path: '/v1/join', method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const guesses: Array<{ status: number; body: string }> = [];
    const t0 = Date.now();
    for (let round = 0; round < 10; round++) guesses.push(...(await Promise.all(Array.from({ length: 40 }, (_, i) => join(`ZZ${round}${i}`.slice(0, 6), '127.0.0.3')))));
    const seconds = (Date.now() - t0) / 1000;
    const misses = guesses.filter((g) => g.status === 404).length;
    const refused = guesses.filter((g) => g.status === 429);
    // Burst 200 plus 50/s (note 21): at most that many guesses were even looked up.
    expect(misses).toBeLessThanOrEqual(200 + Math.ceil(50 * seconds));
    expect(misses + refused.length).toBe(guesses.length);
    expect(refused.length).toBeGreaterThan(0);
    expect(JSON.parse(refused[0]?.body ?? '{}')).toMatchObject({ error: { code: 'rate_limited' } });
    expect((await join(ev.joinCode, '127.0.0.4')).status).toBe(200); // another address is not held back
  });
});

describe('hostile peer: HTTP pipelining (note 62)', () => {
  it('4 sockets pipelining 20,000 GET /metrics each and reading nothing are dropped; the hub holds no more than a bound and answers others', async () => {
    const before = rssMB();
    let peak = before;
    const socks: net.Socket[] = [];
    const request = Buffer.from('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'); // each answer ~12 KB
    const batch = Buffer.concat(Array.from({ length: 5_000 }, () => request));
    try {
      for (let k = 0; k < 4; k++) {
        const sock = netConnect(hub.port);
        sock.pause(); // never reads an answer
        socks.push(sock);
        for (let i = 0; i < 4; i++) sock.write(batch);
      }
      // Before the bound the hub queued every answer (+670 MB); with it each socket is dropped.
      const dropped = async (): Promise<number> => {
        peak = Math.max(peak, rssMB());
        const text = await (await fetch(`${hub.url}/metrics`)).text();
        return Number(/^stagecall_connections_refused_total\{reason="pipelined"\} (\d+)/m.exec(text)?.[1] ?? 0);
      };
      await waitUntil(async () => ((await dropped()) >= 4 ? true : undefined), 'the hub dropping the 4 pipelining sockets', 30_000);
      peak = Math.max(peak, rssMB());
      console.log(`[hostile-peer] 4 x 20,000 pipelined GET /metrics: hub RSS +${(peak - before).toFixed(0)} MB at peak`);
      expect(peak - before).toBeLessThan(64);
      expect((await fetch(`${hub.url}/v1/health`)).status).toBe(200);
    } finally {
      for (const s of socks) s.destroy();
    }
  });
});

describe('hostile peer: oversized and unfinished request heads', () => {
  it('a 20 KB header, on a plain request or a WebSocket upgrade, answers 431 JSON; an upgrade whose head never ends answers 408 within seconds', async () => {
    for (const extra of ['', `\r\n${WS_UPGRADE_HEADERS}`]) {
      const r = await rawRequest(hub.port, `GET ${extra ? '/v1/ws' : '/v1/health'} HTTP/1.1\r\nHost: 127.0.0.1${extra}\r\nX-Big: ${'a'.repeat(20_000)}`);
      expect(r.status).toBe(431);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'headers_too_large' } });
    }
    const sock = netConnect(hub.port);
    let answer = '';
    sock.on('data', (d: Buffer) => (answer += d.toString()));
    sock.write(`GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1\r\n${WS_UPGRADE_HEADERS}\r\nX-Slow: `);
    const trickle = setInterval(() => sock.write('a'), 1_000);
    try {
      await waitUntil(() => (answer.includes('\r\n\r\n') ? true : undefined), 'an answer to the unfinished upgrade', 20_000);
    } finally {
      clearInterval(trickle);
      sock.destroy();
    }
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    await bystanderServed();
  }, 30_000);
});
