/**
 * Test doubles for the client's ports: a clock that only moves when told, and WebSockets the
 * test opens, feeds and closes by hand. No real timer or network anywhere.
 */
import type { Clock, TimerHandle, WebSocketConstructor, WebSocketLike } from '../../src/shared/client';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: FakeTimer[] = [];
  /** wall() − now(): the fake machine's calendar clock. */
  wallOffset = 1_700_000_000_000;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  wall(): number {
    return this.t + this.wallOffset;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: ++this.seq, at: this.t + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  /** Move time forward, firing due timers in order (including ones they schedule). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > end) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }

  /** Time passes with no timer running (a frozen tab, a suspended laptop); overdue timers then fire in order. */
  freeze(ms: number): void {
    this.t += ms;
    for (;;) {
      const next = this.nextTimer();
      if (!next || next.at > this.t) break;
      this.timers = this.timers.filter((x) => x !== next);
      next.fn();
    }
  }

  /** Delay until the next timer fires, or undefined when none is pending. */
  nextDelay(): number | undefined {
    const next = this.nextTimer();
    return next ? next.at - this.t : undefined;
  }

  pendingCount(): number {
    return this.timers.length;
  }

  private nextTimer(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const x of this.timers) if (!best || x.at < best.at || (x.at === best.at && x.id < best.id)) best = x;
    return best;
  }
}

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  /** Raw texts the client sent. */
  readonly sentText: string[] = [];
  /** Set when the client called close(). */
  closedByClient: { code?: number; reason?: string } | null = null;

  constructor(
    readonly url: string,
    readonly protocol: string | string[] | undefined,
  ) {}

  send(text: string): void {
    if (this.readyState !== 1) throw new Error('InvalidStateError: not open');
    this.sentText.push(text);
  }

  /** Like ws and browsers, the client's own close still ends in a close event (the client must ignore it). */
  close(code?: number, reason?: string): void {
    if (this.readyState >= 2) return;
    this.closedByClient = { code, reason };
    this.end(code ?? 1005, reason ?? '');
  }

  // ---- driven by the test, as the hub / network would ----
  get sent(): Array<Record<string, unknown>> {
    return this.sentText.map((t) => JSON.parse(t) as Record<string, unknown>);
  }

  sentOfType(t: string): Array<Record<string, unknown>> {
    return this.sent.filter((f) => f.t === t);
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: object | string): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  /** The hub or the network ends the connection. */
  serverClose(code: number, reason = ''): void {
    this.end(code, reason);
  }

  /** A refused or broken connection: error, then close 1006 (the browser's order). */
  fail(message = 'ECONNREFUSED'): void {
    if (this.readyState === 3) return;
    this.onerror?.({ message });
    this.end(1006, '');
  }

  get isEnded(): boolean {
    return this.readyState === 3;
  }

  private end(code: number, reason: string): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

export interface FakeNetwork {
  WebSocket: WebSocketConstructor;
  sockets: FakeSocket[];
  last(): FakeSocket;
}

export function fakeNetwork(onCreate: (s: FakeSocket) => void = () => undefined): FakeNetwork {
  const sockets: FakeSocket[] = [];
  class Ctor extends FakeSocket {
    constructor(url: string, protocol?: string | string[]) {
      super(url, protocol);
      sockets.push(this);
      onCreate(this);
    }
  }
  return {
    sockets,
    WebSocket: Ctor,
    last: () => {
      const s = sockets.at(-1);
      if (!s) throw new Error('no socket was created');
      return s;
    },
  };
}

/** A valid welcome frame (P9). */
export const welcomeFrame = (over: Partial<Record<string, unknown>> = {}): Record<string, unknown> => ({
  t: 'welcome',
  connectionId: 'c1',
  clientId: 'host-1',
  role: 'host',
  eventId: 'evt-1',
  epoch: 'E1',
  node: 'n1',
  hubTime: 1_700_000_000_000,
  limits: { maxFrameBytes: 65536, ratePerSec: 200, syncHz: 10 },
  ...over,
});
