/**
 * The client's ports to the world, injected so its state machine runs under a fake clock and
 * fake sockets in unit tests (STYLE.md 3), and unchanged in a browser, in Node and in a worker.
 * Real implementations: `real-clock.ts`, the global (or `ws`'s) WebSocket.
 */

/** Opaque: only ever handed back to the clock that made it. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds on a clock that only moves forward: RTT, backoff and silence are measured on it. */
  now(): number;
  /** Milliseconds since the Unix epoch (the hub clock offset is relative to it). */
  wall(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The parts of a WHATWG WebSocket the client uses; the browser's, Node 22's and `ws`'s all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(text: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket class: the global one, or `ws`'s default export in Node 20. Typed loosely on
 * purpose: `ws`'s event types differ from the DOM's in details the client never reads, and
 * instances are used only through WebSocketLike.
 */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => object;

/** WebSocket.OPEN in every implementation. */
export const WS_OPEN = 1;
