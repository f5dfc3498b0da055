/**
 * P10's heartbeat through a real hub (in process, short heartbeat) and real ws on loopback: a
 * due ping rides on the socket's next sync frame (ping and frame in one buffer, ping first), and
 * a socket that gets no sync frame is still pinged on its own; pongs keep it alive either way.
 */
import fs from 'node:fs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/hub/engine/create-engine';
import { startHub, type Hub } from '../../src/hub/hub';
import { ADMIN_KEY, createEvent, joinAudience, staffToken, tempDir } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';

let hub: Hub;
let dataDir: string;
const clients: TestClient[] = [];

beforeAll(async () => {
  dataDir = tempDir('heartbeat');
  const engine = await createEngine({ kind: 'embedded', dataDir, node: 'hb' });
  await engine.open();
  hub = await startHub({ engine, adminKey: ADMIN_KEY, heartbeatMs: 300, logger: pino({ level: 'warn' }) });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await hub.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** An audience client subscribed to the audience view, recording pings and the raw TCP chunks it reads. */
async function audience(code: string, name: string): Promise<{ c: TestClient; pings: () => number; chunks: Buffer[] }> {
  const j = await joinAudience(hub.url, code, name);
  const c = await TestClient.connect(hub.url, j.token);
  clients.push(c);
  let pings = 0;
  c.ws.on('ping', () => pings++);
  const chunks: Buffer[] = [];
  (c.ws as unknown as { _socket: NodeJS.EventEmitter })._socket.on('data', (d: Buffer) => chunks.push(d));
  c.send({ t: 'sub', view: 'audience' });
  await c.waitFor((f) => f.t === 'sync');
  return { c, pings: () => pings, chunks };
}

const PING_THEN_TEXT = Buffer.from([0x89, 0x00, 0x81]);

describe('P10 heartbeat', () => {
  it('a due ping rides on the next sync frame, in the same buffer and before it', async () => {
    const ev = await createEvent(hub.url, 'Heartbeat ride');
    const host = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId)).token);
    clients.push(host);
    const a = await audience(ev.joinCode, 'Ann');
    const start = a.pings();
    const rode = (): boolean => a.chunks.some((d) => d.subarray(0, 3).equals(PING_THEN_TEXT));
    // A change per sync tick (each pub waits for the frame it causes): every heartbeat finds a
    // sync frame within its 250 ms ride window.
    for (let n = 0; n < 200 && !(a.pings() >= start + 3 && rode()); n++) {
      const from = a.c.frames.length;
      await host.pub(`m${n}`, 'chat.send', { messageId: `m${n}`, text: `hi ${n}` });
      await a.c.waitFor((f) => f.t === 'sync', { from });
    }
    expect(a.pings()).toBeGreaterThanOrEqual(start + 3);
    expect(rode()).toBe(true);
    const ridden = a.chunks.find((d) => d.subarray(0, 3).equals(PING_THEN_TEXT)) as Buffer;
    // The text frame after the ping is a whole sync frame (7-bit or 16-bit length).
    const len = ridden[3] as number;
    const at = len === 126 ? 6 : 4;
    const body = ridden.subarray(at, at + (len === 126 ? ridden.readUInt16BE(4) : len & 0x7f)).toString('utf8');
    expect(JSON.parse(body)).toMatchObject({ t: 'sync', view: 'audience' });
    expect(a.c.closed).toBeNull();
  });

  it('a socket with no sync frame to ride on is pinged alone, and stays open', async () => {
    const ev = await createEvent(hub.url, 'Heartbeat alone');
    const a = await audience(ev.joinCode, 'Bo');
    const start = a.pings();
    await a.c.until(() => (a.pings() >= start + 3 ? true : undefined), 10_000, 'three pings with nothing changing');
    expect(a.chunks.some((d) => d.length === 2 && d[0] === 0x89 && d[1] === 0x00)).toBe(true);
    expect(a.c.closed).toBeNull();
  });
});
