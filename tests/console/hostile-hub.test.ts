/**
 * Whoever answers at a hub URL (a MITM on a venue's ws:// network, a wrong address) must not be
 * able to exhaust the console's main process: what the console's hub socket accepts is bounded
 * like what the hub accepts (docs/protocol-notes.md note 60). A fake hub, by hand on loopback.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { HubSession } from '../../src/main/core/hub-session';
import { Journal } from '../../src/main/core/journal/journal';
import { tempDir } from '../helpers/hub-process';
import { OPCODE, encodeFrame } from '../helpers/raw-ws';
import { waitUntil } from '../helpers/wait';

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Seen {
  requestHead: string;
  /** The close code of the console's close frame, once one arrived. */
  closeCode: number | null;
  ended: boolean;
}

/** Accepts the upgrade (saying it compresses when `deflate`, asked or not), then sends `frames` and keeps the socket open. */
async function fakeHub(frames: Buffer, deflate = false): Promise<{ url: string; seen: Seen }> {
  const seen: Seen = { requestHead: '', closeCode: null, ended: false };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    let upgraded = false;
    sock.on('close', () => (seen.ended = true));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        seen.requestHead = buf.subarray(0, end).toString('latin1');
        buf = buf.subarray(end + 4);
        upgraded = true;
        const key = /sec-websocket-key:\s*(\S+)/i.exec(seen.requestHead)?.[1] ?? '';
        const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: stagecall.v1\r\n${deflate ? 'Sec-WebSocket-Extensions: permessage-deflate\r\n' : ''}\r\n`);
        sock.write(frames);
      }
      // Client frames are masked: find a close frame (opcode 8) and read its code.
      while (buf.length >= 2) {
        const len = (buf[1] ?? 0) & 0x7f;
        if (len >= 126 || buf.length < 6 + len) break;
        const payload = Buffer.from(buf.subarray(6, 6 + len));
        for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (buf[2 + (i % 4)] ?? 0);
        if (((buf[0] ?? 0) & 0x0f) === OPCODE.close && seen.closeCode === null) seen.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        buf = buf.subarray(6 + len);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanup.push(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, seen };
}

async function consoleSessionTo(url: string): Promise<HubSession> {
  const dir = tempDir('hostile-hub');
  const journal = await Journal.open(dir);
  const session = new HubSession({ hubUrls: [url], token: 'not-checked', eventId: 'evt_x', journal, emit: () => undefined, client: { name: 'test', version: '0' } });
  cleanup.push(async () => {
    session.close();
    await journal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  session.start();
  return session;
}

describe('console against a hostile hub (note 60)', () => {
  it('a message sent as 20,000 one-byte fragments is refused 1008 by the console (ws bounds a client at 16,384), not held; no compression is offered', async () => {
    const first = encodeFrame({ opcode: OPCODE.text, payload: Buffer.from('{'), fin: false, mask: false });
    const more = encodeFrame({ opcode: OPCODE.continuation, payload: Buffer.from(' '), fin: false, mask: false });
    const hub = await fakeHub(Buffer.concat([first, ...Array.from({ length: 20_000 }, () => more)]));
    await consoleSessionTo(hub.url);
    await waitUntil(() => (hub.seen.closeCode !== null ? true : undefined), 'the console closing the socket', 20_000);
    expect(hub.seen.closeCode).toBe(1008);
    expect(hub.seen.requestHead).not.toMatch(/sec-websocket-extensions/i); // no permessage-deflate: no inflate bomb
  });

  it('a deflate bomb (20 x 60 MB of JSON in 60 KB frames each) never reaches the console: it offers no compression and refuses a hub that claims it', async () => {
    // permessage-deflate (RFC 7692): a raw deflate stream without its final empty block's tail.
    const inflated = Buffer.concat([Buffer.from('{"t":"pong","id":1,"ts":1,"hubTime":1,"x":"'), Buffer.alloc(60 * 2 ** 20, 0x61), Buffer.from('"}')]);
    const deflated = zlib.deflateRawSync(inflated, { level: 9 });
    const bomb = encodeFrame({ opcode: OPCODE.text, payload: deflated.subarray(0, deflated.length - 4), rsv: 4, mask: false });
    const hub = await fakeHub(Buffer.concat(Array.from({ length: 20 }, () => bomb)), true);
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    cleanup.push(() => clearInterval(sampler));
    await consoleSessionTo(hub.url);
    await waitUntil(() => (hub.seen.ended ? true : undefined), () => `the console dropping the socket (RSS +${((peak - before) / 2 ** 20).toFixed(0)} MB at peak meanwhile)`, 30_000);
    clearInterval(sampler);
    console.log(`[hostile-hub] ${(bomb.length / 1024).toFixed(0)} KB frames inflating to ${inflated.length >> 20} MB: console RSS +${((peak - before) / 2 ** 20).toFixed(0)} MB at peak`);
    expect(hub.seen.requestHead).not.toMatch(/sec-websocket-extensions/i);
    expect(peak - before).toBeLessThan(100 * 2 ** 20);
  });
});
