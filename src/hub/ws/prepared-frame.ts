/**
 * A text frame framed once and written as is to every subscriber (DESIGN.md: per-socket work
 * is what limits fan-out, so keep it to a buffer write). ws has no public API for this, so
 * `writePrepared` uses two of its internals, and only while ws's sender is idle: with
 * per-message deflate off (the hub's setting) it always is, and otherwise we fall back to
 * `ws.send`. tests/hub/prepared-frame.test.ts pins the behaviour through real sockets.
 */
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import * as wsModule from 'ws';

export interface PreparedFrame {
  /** The JSON text as bytes (the fallback path sends these). */
  readonly data: Buffer;
  /**
   * WebSocket header + payload, unmasked, as a server sends them, in one buffer: each socket
   * then costs one plain `write` (no cork, no writev of two chunks), what bench/peers.ts's
   * pre-built row measures. Null when ws's Sender is not reachable.
   */
  readonly wire: Buffer | null;
}

interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): Buffer[];
}
interface WsInternals {
  _socket?: Duplex & { destroyed: boolean };
  _sender?: { _state: number; _queue: unknown[] };
}

// CommonJS (tsx, Electron's bundle) exposes Sender on the module object; the ESM wrapper as a
// named export. Without it we frame per socket with ws.send, correct but slower.
const Sender: SenderStatic | undefined = (wsModule as unknown as { Sender?: SenderStatic }).Sender;
const SENDER_IDLE = 0; // ws/lib/sender.js DEFAULT

export function prepareFrame(data: Buffer): PreparedFrame {
  if (!Sender) return { data, wire: null };
  const wire = Buffer.concat(Sender.frame(data, { fin: true, rsv1: false, opcode: 0x1, mask: false, readOnly: true }));
  // `data` is the tail of `wire`: the payload is held once.
  return { data: wire.subarray(wire.length - data.length), wire };
}

/** An unmasked WebSocket ping with no payload, as `ws.ping()` frames it. */
const PING_WIRE: Buffer | null = Sender ? Buffer.concat(Sender.frame(Buffer.alloc(0), { fin: true, rsv1: false, opcode: 0x9, mask: false, readOnly: false })) : null;
/** Per frame, the ping + frame bytes in one buffer, built once for every socket whose ping rides on it. */
const withPing = new WeakMap<PreparedFrame, Buffer>();

/**
 * Writes `frame`; with `ping`, a WebSocket ping first, in the same write (P10's heartbeat rides
 * on a sync frame instead of costing a write of its own). Order is ws's either way: the direct
 * write happens only while ws's sender has nothing queued, otherwise both go through ws.
 */
export function writePrepared(ws: WebSocket, frame: PreparedFrame, ping = false): void {
  const { _socket: socket, _sender: sender } = ws as unknown as WsInternals;
  if (frame.wire === null || PING_WIRE === null || !socket || socket.destroyed || !sender || sender._state !== SENDER_IDLE || sender._queue.length > 0) {
    if (ping) ws.ping();
    ws.send(frame.data, { binary: false });
    return;
  }
  if (!ping) {
    socket.write(frame.wire);
    return;
  }
  let both = withPing.get(frame);
  if (!both) withPing.set(frame, (both = Buffer.concat([PING_WIRE, frame.wire])));
  socket.write(both);
}

/**
 * Runs `fn` with the socket corked, so the frames it sends leave in one write (one syscall)
 * instead of one each: a returning client's welcome and first ping, its sync answer and self
 * frame. ws corks per frame itself; the outer cork holds them until `fn` returns.
 */
export function corked(ws: WebSocket, fn: () => void): void {
  const socket = (ws as unknown as WsInternals)._socket;
  if (!socket || socket.destroyed) return fn();
  socket.cork();
  try {
    fn();
  } finally {
    socket.uncork();
  }
}
