/**
 * Test doubles for the Link's ports: a clock that only moves when told, and sockets the
 * test opens, feeds and closes by hand. No real timer or network anywhere.
 */
import type { Clock, LinkSocket, LinkSocketHandlers, SocketFactory, TimerHandle } from '../../src/main/core/link/ports';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
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

export class FakeSocket implements LinkSocket {
  handlers: LinkSocketHandlers | null = null;
  /** Raw texts the client sent. */
  readonly sentText: string[] = [];
  /** Set when the client called close(). */
  closedByClient: { code?: number; reason?: string } | null = null;
  private ended = false;

  constructor(
    readonly url: string,
    readonly protocol: string,
  ) {}

  listen(handlers: LinkSocketHandlers): void {
    this.handlers = handlers;
  }

  send(text: string): void {
    if (!this.ended) this.sentText.push(text);
  }

  /** Like ws, the client's own close still ends in a close event (the Link must ignore it). */
  close(code?: number, reason?: string): void {
    if (this.ended) return;
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
    this.handlers?.open();
  }

  receive(frame: object | string): void {
    this.handlers?.message(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The hub or the network ends the connection. */
  serverClose(code: number, reason = ''): void {
    this.end(code, reason);
  }

  /** A refused or broken connection: error, then close 1006 (ws's order). */
  fail(message = 'ECONNREFUSED'): void {
    if (this.ended) return;
    this.handlers?.error(new Error(message));
    this.end(1006, '');
  }

  get isEnded(): boolean {
    return this.ended;
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.handlers?.close(code, reason);
  }
}

export interface FakeNetwork {
  factory: SocketFactory;
  sockets: FakeSocket[];
  last(): FakeSocket;
}

export function fakeNetwork(): FakeNetwork {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    factory: (url, protocol) => {
      const s = new FakeSocket(url, protocol);
      sockets.push(s);
      return s;
    },
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
