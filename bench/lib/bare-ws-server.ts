/**
 * The floor for Node fan-out: a bare `ws` server that relays each message from the publisher
 * (a text frame starting `{"t":"pub"`) to every other client. Run as its own process:
 *   node --import tsx bench/lib/bare-ws-server.ts [--mode send|prebuilt]
 * `send`: one `ws.send(sameBuffer)` per socket, as the hub's sendRaw does.
 * `prebuilt`: the WebSocket frame built once (`WebSocket.Sender.frame`) and the same bytes
 * written to every socket: the change proposed for the hub's fan-out, measured here.
 * A storm's reconnecting clients (load-clients.ts WsSub) send `{"t":"hello"}` and then
 * `{"t":"sub"}`; each is answered with one frame the size of the hub's answer (its welcome, and
 * a sync patch from a recent base), so a reconnect costs the two round trips a hub client makes.
 * Prints `Ready: ws://127.0.0.1:PORT`.
 */
import type net from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

const mode = process.argv.includes('prebuilt') ? 'prebuilt' : 'send';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: true, maxPayload: 64 * 1024 });

/** `ws` exports Sender at runtime but @types/ws does not declare it. */
interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
const Sender = (WebSocket as unknown as { Sender: { frame(data: Buffer, o: FrameOptions): Buffer[] } }).Sender;

/** ws keeps the TCP socket in a private field; the prebuilt path writes to it directly. */
const rawSocket = (ws: WebSocket): net.Socket => (ws as unknown as { _socket: net.Socket })._socket;

/** The hub's welcome (267 B) and its resume answer (a 240 B patch and the 104 B self frame, one write) in the storm benchmark. */
const WELCOME_BYTES = 267;
const SYNC_BYTES = 344;
const padded = (head: string, bytes: number): Buffer => Buffer.from(`${head},"pad":"${'x'.repeat(Math.max(0, bytes - head.length - 10))}"}`);
const WELCOME = padded('{"t":"welcome"', WELCOME_BYTES);
const SYNC = padded('{"t":"sync"', SYNC_BYTES);

function broadcast(from: WebSocket, data: Buffer): void {
  if (mode === 'send') {
    for (const c of wss.clients) if (c !== from && c.readyState === WebSocket.OPEN) c.send(data, { binary: false });
    return;
  }
  const frame = Buffer.concat(Sender.frame(data, { fin: true, opcode: 1, mask: false, readOnly: true, rsv1: false }));
  for (const c of wss.clients) if (c !== from && c.readyState === WebSocket.OPEN) rawSocket(c).write(frame);
}

wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary || data.length < 10) return;
    const head = data.toString('latin1', 0, 10);
    if (head === '{"t":"pub"') broadcast(ws, data);
    else if (head === '{"t":"hell') ws.send(WELCOME);
    else if (head === '{"t":"sub"') ws.send(SYNC);
  });
  ws.on('error', () => undefined);
});

wss.on('listening', () => {
  const addr = wss.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  console.log(`Ready: ws://127.0.0.1:${port}`);
});

const stop = (): void => {
  for (const c of wss.clients) c.terminate();
  wss.close(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
