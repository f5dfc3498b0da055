/**
 * The shared client with its real ports (`ws`, the real clock) against a tiny real `ws` hub on
 * 127.0.0.1 that speaks just enough protocol: welcome, pong, sync (snapshot or patch).
 * Proves reconnect after the hub is stopped and restarted on the same port (catching up by
 * patch, P18), and failover to the next URL (refused connection, then a 1001 shutdown, P11).
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocketClient, { WebSocketServer, type WebSocket } from 'ws';
import { createClient, type StagecallClient, type StateChange } from '../../src/shared/client';

interface TinyHub {
  port: number;
  node: string;
  /** Every client frame received, with the socket's negotiated subprotocol and path. */
  received: Array<Record<string, unknown>>;
  handshakes: Array<{ protocol: string; path: string | undefined }>;
  sentSync: Array<'snapshot' | 'patch'>;
  /** Advance the staff view to `serial` and push a patch to every subscriber. */
  advance(serial: number): void;
  /** Stop: `abrupt` drops sockets (1006 on the client), otherwise a graceful 1001. */
  stop(how: 'abrupt' | 'going-away'): Promise<void>;
}

const EPOCH = 'E1';
const hubs: TinyHub[] = [];

/** The staff view is `{ n: serial }`; the hub remembers every serial it has passed through. */
async function startHub(node: string, serial: number, port = 0): Promise<TinyHub> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port,
    path: '/v1/ws',
    handleProtocols: (protocols) => (protocols.has('stagecall.v1') ? 'stagecall.v1' : false),
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  let current = serial;
  const subscribers = new Set<WebSocket>();
  const hub: TinyHub = {
    port: (wss.address() as { port: number }).port,
    node,
    received: [],
    handshakes: [],
    sentSync: [],
    advance(next) {
      const base = current;
      current = next;
      for (const ws of subscribers) sendPatch(ws, base);
    },
    async stop(how) {
      for (const ws of wss.clients) {
        if (how === 'abrupt') ws.terminate();
        else ws.close(1001, 'hub shutting down');
      }
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
  const sendPatch = (ws: WebSocket, base: number) => {
    hub.sentSync.push('patch');
    ws.send(JSON.stringify({ t: 'sync', view: 'staff', epoch: EPOCH, base, serial: current, patch: [{ op: 'replace', path: '/n', value: current }] }));
  };
  wss.on('connection', (ws, req) => {
    hub.handshakes.push({ protocol: ws.protocol, path: req.url });
    ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Record<string, unknown>;
      hub.received.push(f);
      if (f.t === 'hello') {
        const welcome = { t: 'welcome', connectionId: `${node}-${hub.handshakes.length}`, clientId: 'host-1', role: 'host', eventId: 'evt', epoch: EPOCH, node, hubTime: Date.now(), limits: { maxFrameBytes: 65536, ratePerSec: 200, syncHz: 10 } };
        ws.send(JSON.stringify(welcome));
      } else if (f.t === 'ping') {
        ws.send(JSON.stringify({ t: 'pong', id: f.id, ts: f.ts, hubTime: Date.now() }));
      } else if (f.t === 'sub' && f.view === 'staff') {
        subscribers.add(ws);
        const since = typeof f.since === 'number' ? f.since : undefined;
        if (since !== undefined && f.epoch === EPOCH && since <= current) {
          sendPatch(ws, since); // every serial's state is `{n}`, so one replace bridges any gap
        } else {
          hub.sentSync.push('snapshot');
          ws.send(JSON.stringify({ t: 'sync', view: 'staff', epoch: EPOCH, serial: current, snapshot: { n: current } }));
        }
      }
    });
    ws.on('close', () => subscribers.delete(ws));
  });
  hubs.push(hub);
  return hub;
}

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Waits on a condition (vi.waitFor re-checks it; never a fixed sleep). */
const waitFor = (what: string, cond: () => boolean, timeout = 20_000): Promise<void> =>
  vi.waitFor(() => {
    if (!cond()) throw new Error(`timed out waiting for: ${what}`);
  }, { timeout, interval: 5 });

function realClient(urls: string[]) {
  const client = createClient({
    urls,
    token: 'tok',
    WebSocket: WebSocketClient,
    backoff: { baseMs: 50, capMs: 400 },
    pingEveryMs: 100,
    client: { name: 'link-ws-test', version: '0' },
    autoConnect: false,
  });
  const states: StateChange[] = [];
  const rtts: number[] = [];
  const kinds: string[] = [];
  client.on('state', (s) => states.push(s));
  client.on('rtt', (r) => rtts.push(r));
  client.view('staff', (_doc, meta) => kinds.push(meta.frame && 'patch' in meta.frame ? 'patch' : 'snapshot'));
  const serial = (): number | undefined => client.viewState('staff')?.serial;
  return { client, states, rtts, kinds, serial };
}

const clients: StagecallClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  for (const h of hubs.splice(0)) await h.stop('abrupt').catch(() => undefined);
});

describe('client over real WebSockets', () => {
  it('P1 P10 P18 reconnects to a hub restarted on the same port and catches up by patch', async () => {
    const hub1 = await startHub('n1', 3);
    const t = realClient([`http://127.0.0.1:${hub1.port}`]);
    clients.push(t.client);
    t.client.connect();

    await waitFor('connected', () => t.client.status.state === 'connected');
    expect(hub1.handshakes[0]).toEqual({ protocol: 'stagecall.v1', path: '/v1/ws' });
    expect(hub1.received[0]).toEqual({ t: 'hello', token: 'tok', client: { name: 'link-ws-test', version: '0' } });
    await waitFor('snapshot', () => t.serial() === 3);
    await waitFor('two RTT samples', () => t.rtts.length >= 2);
    expect(t.rtts.every((r) => r >= 0 && r < 5_000)).toBe(true);

    hub1.advance(4);
    await waitFor('live patch', () => t.serial() === 4);

    await hub1.stop('abrupt');
    hubs.splice(hubs.indexOf(hub1), 1);
    await waitFor('disconnected', () => t.client.status.state === 'disconnected');
    // Retries against the closed port are refused and keep backing off.
    await waitFor('two refused retries', () => t.client.status.attempt >= 3);
    expect(t.client.status.state).not.toBe('connected');

    const hub2 = await startHub('n1-restarted', 6, hub1.port);
    await waitFor('reconnected', () => t.client.status.state === 'connected');
    await waitFor('caught up', () => t.serial() === 6);
    expect(hub2.received.filter((f) => f.t === 'sub')).toEqual([{ t: 'sub', view: 'staff', since: 4, epoch: EPOCH }]);
    expect(hub2.sentSync).toEqual(['patch']);
    expect(t.client.viewState('staff')?.doc).toEqual({ n: 6 });
    expect(t.kinds).toEqual(['snapshot', 'patch', 'patch']);
    expect(t.client.status.connects).toBe(2);
  });

  it('P11 fails over: a refused URL, then the next; a 1001 shutdown hands over to the next URL within the jitter', async () => {
    const dead = await deadPort();
    const hubA = await startHub('A', 10);
    const hubB = await startHub('B', 12);
    const urls = [`http://127.0.0.1:${dead}`, `ws://127.0.0.1:${hubA.port}`, `http://127.0.0.1:${hubB.port}/`];
    const t = realClient(urls);
    clients.push(t.client);
    t.client.connect();

    await waitFor('connected to A', () => t.client.status.state === 'connected');
    expect(t.client.status).toMatchObject({ hubUrl: urls[1], welcome: { node: 'A' } });
    expect(t.states.find((s) => s.state === 'disconnected')).toMatchObject({ hubUrl: urls[0], nextHubUrl: urls[1] });
    await waitFor('snapshot from A', () => t.serial() === 10);

    await hubA.stop('going-away');
    await waitFor('connected to B', () => t.client.status.state === 'connected' && t.client.status.hubUrl === urls[2]);
    const handover = t.states.find((s) => s.closeCode === 1001);
    expect(handover).toMatchObject({ state: 'disconnected', nextHubUrl: urls[2], attempt: 0 });
    expect(handover?.retryInMs).toBeLessThan(1_000);
    expect(t.client.status.welcome?.node).toBe('B');
    await waitFor('caught up from B', () => t.serial() === 12);
    expect(hubB.received.filter((f) => f.t === 'sub')).toEqual([{ t: 'sub', view: 'staff', since: 10, epoch: EPOCH }]);
    expect(t.client.viewState('staff')?.doc).toEqual({ n: 12 });
  });
});
