/**
 * The Link's two ports to the world, injected so its state machine runs under a fake
 * clock and fake sockets in unit tests (STYLE.md 3). Real implementations:
 * `real-clock.ts` and `ws-socket-factory.ts`.
 */

/** Opaque: only ever handed back to the clock that made it. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds on a clock that only moves forward (RTT, backoff and silence are measured on it). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** What a socket reports. One handler set per socket; `listen` replaces any earlier one. */
export interface LinkSocketHandlers {
  open(): void;
  message(text: string): void;
  /** Always the last event of a socket (after `error`, after a refused connect, after our own close). */
  close(code: number, reason: string): void;
  error(err: Error): void;
}

export interface LinkSocket {
  listen(handlers: LinkSocketHandlers): void;
  /** Never throws; silently drops the text when the socket is not open. */
  send(text: string): void;
  /** Never throws; idempotent. */
  close(code?: number, reason?: string): void;
}

/** `url` is a hub URL as configured (http(s):// or ws(s)://, with or without `/v1/ws`). */
export type SocketFactory = (url: string, protocol: string) => LinkSocket;
