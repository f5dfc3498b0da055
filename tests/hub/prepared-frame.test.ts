/**
 * The fan-out write path (src/hub/ws/prepared-frame.ts) through real sockets on loopback: a
 * frame framed once and written as one buffer arrives as the same text message a `ws.send`
 * would give, at every length encoding, in order with what ws itself sends, and falls back to
 * `ws.send` (keeping the order) while ws's sender is busy.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { prepareFrame, writePrepared } from '../../src/hub/ws/prepared-frame';
import { waitUntil } from '../helpers/wait';

const open: Array<{ close(): void }> = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/** A server socket and a client that records every message it gets, as text. */
async function pair(perMessageDeflate: boolean | object = false): Promise<{ server: WebSocket; got: Array<{ text: string; binary: boolean }> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  open.push(wss);
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: perMessageDeflate !== false });
  open.push({ close: () => client.terminate() });
  const got: Array<{ text: string; binary: boolean }> = [];
  client.on('message', (data: Buffer, binary) => got.push({ text: data.toString('utf8'), binary }));
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  return { server: await serverSide, got };
}

const text = (n: number, tag: string): string => JSON.stringify({ t: 'sync', tag, pad: 'é'.repeat(Math.max(0, Math.floor((n - 30) / 2))) });

describe('prepared frames', () => {
  it('arrive intact as text at 7-bit, 16-bit and 64-bit lengths, one buffer per socket, in order with ws.send', async () => {
    const { server, got } = await pair();
    const sizes = [2, 125, 126, 300, 65_535, 65_536, 200_000];
    const want: string[] = [];
    for (const [i, n] of sizes.entries()) {
      const s = text(n, `p${i}`);
      const frame = prepareFrame(Buffer.from(s));
      expect(frame.wire).not.toBeNull();
      expect(frame.wire?.length).toBeGreaterThan(frame.data.length); // header and payload in one buffer
      expect(frame.data.toString()).toBe(s);
      writePrepared(server, frame);
      want.push(s);
      const between = JSON.stringify({ t: 'ack', id: `a${i}` });
      server.send(between);
      want.push(between);
    }
    await waitUntil(() => got.length >= want.length, () => `${want.length} messages, got ${got.length}`);
    expect(got.map((g) => g.text)).toEqual(want);
    expect(got.every((g) => !g.binary)).toBe(true);
  });

  it('the same prepared frame written to many sockets reaches each of them once', async () => {
    const peers = await Promise.all([1, 2, 3].map(() => pair()));
    const s = text(300, 'shared');
    const frame = prepareFrame(Buffer.from(s));
    for (const p of peers) writePrepared(p.server, frame);
    await waitUntil(() => peers.every((p) => p.got.length === 1), 'one message on every socket');
    for (const p of peers) expect(p.got).toEqual([{ text: s, binary: false }]);
  });

  it("while ws's sender is busy (a compressed message in flight) it goes through ws.send, after what was queued", async () => {
    const { server, got } = await pair({ threshold: 0 });
    const big = JSON.stringify({ t: 'history', pad: 'abc'.repeat(100_000) });
    server.send(big, { compress: true }); // deflate is asynchronous: the sender is not idle now
    const s = text(200, 'after');
    writePrepared(server, prepareFrame(Buffer.from(s)));
    await waitUntil(() => got.length >= 2, 'both messages');
    expect(got.map((g) => g.text)).toEqual([big, s]);
  });
});
