/**
 * Connection: one resilient WebSocket to the hub, with Ably's connection states.
 *
 *   closed ──connect()──▶ connecting ──open, hello → welcome──▶ connected
 *   connecting/connected ──any failure──▶ disconnected ──full-jitter backoff──▶ connecting (next hub URL)
 *   connected ──close 1001 (P11) / 1012 (P31 drain)──▶ disconnected ──within handoverJitterMs──▶ connecting (next URL)
 *   not connected for suspendAfterMs since the first failure ──▶ suspended ──every suspendedRetryMs──▶ connecting
 *   close 4001 (P32) / 4003 / 4011 (P33) or error `unauthorized` ──▶ failed (no retry until connect())
 *   close() from any state ──▶ closed (also the initial state; Ably's name)
 *
 * Clock and socket are injected (ports.ts): no timer or network is touched here directly.
 */
import type { ClientFrame, WelcomeFrame } from '../protocol/frames';
import { CloseCode, SUBPROTOCOL } from '../protocol/limits';
import { DEFAULT_BACKOFF, HANDOVER_JITTER_MS, retryDelay, type BackoffOptions } from './backoff';
import type { ConnectionEvents, ConnectionOptions, ConnectionState, StateChange } from './connection-types';
import { decodeHubFrameLight } from './decode-hub-frame';
import { Emitter } from './emitter';
import { HubClock } from './hub-clock';
import { hubSocketUrl } from './hub-url';
import { WS_OPEN, type Clock, type TimerHandle, type WebSocketConstructor, type WebSocketLike } from './ports';
import { realClock } from './real-clock';

/** P27 `at` (until protocol/frames.ts declares it, the client's own type). */
export interface AtFrame {
  t: 'at';
  view: 'staff' | 'audience';
  serial: number;
}
type OutFrame = ClientFrame | AtFrame;
type TimerName = 'retry' | 'open' | 'ping' | 'dead' | 'suspend';
type Extra = Omit<StateChange, 'state' | 'previous' | 'hubUrl' | 'attempt'>;

/** P33: a fifth connection of one audience client is closed with this code. */
export const CLOSE_TOO_MANY_CONNECTIONS = 4011;
/** P31: a draining hub closes its sockets with this code. */
export const CLOSE_DRAINING = 1012;
/** Refusals that retrying cannot fix: the token, the event or the client's connection count. */
const TERMINAL_CLOSES = new Set<number>([CloseCode.unauthorized, CloseCode.forbidden, CLOSE_TOO_MANY_CONNECTIONS]);
const HANDOVER_CLOSES = new Set<number>([CloseCode.goingAway, CLOSE_DRAINING]);

function globalWebSocket(): WebSocketConstructor {
  const ctor = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!ctor) throw new Error('no global WebSocket: pass one, e.g. createClient({ WebSocket: require("ws") })');
  return ctor;
}

export class Connection {
  readonly hubClock: HubClock;
  private readonly events: Emitter<ConnectionEvents>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly decode: NonNullable<ConnectionOptions['decode']>;
  private readonly WebSocketCtor: WebSocketConstructor;
  private readonly timers = new Map<TimerName, TimerHandle>();
  private urls: string[];
  private current: ConnectionState = 'closed';
  private sock: WebSocketLike | null = null;
  private urlIndex = 0;
  private currentUrl: string;
  private failures = 0;
  /** When a working connection was closed with 1001/1012 and no welcome has come since (retryDelay). */
  private handoverAt: number | null = null;
  private disconnectedSince: number | null = null;
  private retryAt = 0;
  private welcomeFrame: WelcomeFrame | null = null;
  /** When the oldest ping still waiting for any frame in reply went out; null when none waits. */
  private awaitingSince: number | null = null;
  private pingSeq = 0;
  private lastError: string | undefined;
  private lastRtt: number | undefined;
  invalidFrames = 0;
  lastInvalid: string | undefined;
  /** Welcomes received since construction. */
  connects = 0;

  constructor(private readonly opts: ConnectionOptions) {
    if (opts.urls.length === 0) throw new Error('a client needs at least one hub URL');
    this.urls = [...opts.urls];
    this.currentUrl = this.urls[0] as string;
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.decode = opts.decode ?? decodeHubFrameLight;
    this.WebSocketCtor = opts.WebSocket ?? globalWebSocket();
    this.hubClock = new HubClock(() => this.clock.wall());
    this.events = new Emitter<ConnectionEvents>(opts.onListenerError);
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The hub URL of the current (or last) attempt. */
  get hubUrl(): string {
    return this.currentUrl;
  }

  get hubUrls(): readonly string[] {
    return this.urls;
  }

  /** Consecutive failed attempts since the last welcome. */
  get attempt(): number {
    return this.failures;
  }

  /** The current connection's welcome; null unless connected. */
  get welcome(): WelcomeFrame | null {
    return this.current === 'connected' ? this.welcomeFrame : null;
  }

  get lastRttMs(): number | undefined {
    return this.lastRtt;
  }

  on<K extends keyof ConnectionEvents>(event: K, fn: (payload: ConnectionEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  /** From closed/failed: start afresh. From disconnected/suspended: retry now. Otherwise a no-op. */
  connect(): void {
    if (this.current === 'connecting' || this.current === 'connected') return;
    if (this.current === 'closed' || this.current === 'failed') this.resetRecovery();
    this.clearTimer('retry');
    this.attemptNow();
  }

  /** Close the socket (1000) and stop retrying: state `closed`. */
  close(): void {
    if (this.current === 'closed') return;
    this.dropSocket(1000, 'client closed');
    this.clearAllTimers();
    this.resetRecovery();
    this.transition('closed', { reason: 'close() called' });
  }

  /** Sends one frame; false (and nothing sent) unless connected. */
  send(frame: OutFrame): boolean {
    if (this.current !== 'connected' || !this.sock) return false;
    return this.write(frame);
  }

  /** Replace the hub URL list; the next attempt starts at its first URL. */
  setUrls(urls: string[]): void {
    if (urls.length === 0) throw new Error('a client needs at least one hub URL');
    this.urls = [...urls];
    this.urlIndex = 0;
  }

  // ---- connecting ------------------------------------------------------------------

  private attemptNow(): void {
    this.currentUrl = this.urls[this.urlIndex % this.urls.length] as string;
    this.welcomeFrame = null;
    this.lastError = undefined;
    let sock: WebSocketLike | null = null;
    let openError: string | undefined;
    try {
      sock = new this.WebSocketCtor(hubSocketUrl(this.currentUrl), SUBPROTOCOL) as WebSocketLike;
    } catch (err) {
      openError = err instanceof Error ? err.message : String(err);
    }
    this.sock = sock;
    if (sock) {
      sock.onopen = () => sock === this.sock && this.onOpen();
      sock.onmessage = (ev) => sock === this.sock && this.onMessage(ev.data);
      sock.onclose = (ev) => sock === this.sock && this.onSocketClose(ev.code, ev.reason);
      // `close` always follows and drives the transition; keep the cause for its reason.
      sock.onerror = (ev) => {
        if (sock === this.sock) this.lastError = errorText(ev);
      };
      this.arm('open', this.opts.openTimeoutMs ?? 10_000, () => this.fail(`no welcome within ${this.opts.openTimeoutMs ?? 10_000} ms`));
    }
    this.transition('connecting', {});
    if (openError !== undefined && this.current === 'connecting' && this.sock === null) this.fail(openError);
  }

  private onOpen(): void {
    let token: string;
    try {
      token = typeof this.opts.token === 'function' ? this.opts.token() : this.opts.token;
    } catch (err) {
      this.terminal(`no token: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.write({
      t: 'hello',
      token,
      ...(this.opts.client ? { client: this.opts.client } : {}),
      ...(this.opts.eventId ? { eventId: this.opts.eventId } : {}),
    });
  }

  private onWelcome(frame: WelcomeFrame): void {
    this.clearTimer('open');
    this.clearTimer('suspend');
    this.welcomeFrame = frame;
    this.failures = 0;
    this.handoverAt = null;
    this.disconnectedSince = null;
    this.connects++;
    this.hubClock.seed(frame.hubTime);
    this.current = 'connected';
    this.awaitingSince = null;
    // Listeners renew subscriptions and resend the outbox before anyone hears "connected".
    this.events.emit('welcome', frame);
    if (this.current !== 'connected') return;
    this.ping();
    this.armDeadTimer();
    this.emitState('connecting', {});
    if (this.current === 'connected') this.events.emit('frame', frame);
  }

  // ---- connected -------------------------------------------------------------------

  private onMessage(data: unknown): void {
    this.awaitingSince = null; // any frame, valid or not, proves the peer alive
    const decoded = this.decode(data);
    if (!decoded.ok) {
      this.invalidFrames++;
      this.lastInvalid = `${decoded.code}: ${decoded.message}`;
      return;
    }
    const frame = decoded.frame;
    switch (frame.t) {
      case 'welcome':
        if (this.current === 'connecting') this.onWelcome(frame);
        return;
      case 'pong': {
        const rtt = this.clock.now() - frame.ts;
        if (rtt >= 0) {
          this.lastRtt = rtt;
          this.hubClock.sample(rtt, frame.hubTime);
          this.events.emit('rtt', rtt);
        }
        return;
      }
      case 'error':
        this.events.emit('frame', frame);
        if (frame.code === 'unauthorized' && this.sock) this.terminal(`unauthorized: ${frame.message}`);
        return;
    }
    this.events.emit('frame', frame);
  }

  private ping(): void {
    if (this.current !== 'connected') return;
    const now = this.clock.now();
    // Counted from an unanswered ping, not from the last frame: a phone back from the lock
    // screen (timers frozen, no pings sent) must not drop a healthy socket for being quiet.
    if (this.write({ t: 'ping', id: ++this.pingSeq, ts: now }) && this.awaitingSince === null) this.awaitingSince = now;
    this.arm('ping', this.opts.pingEveryMs ?? 2_000, () => this.ping());
  }

  private armDeadTimer(): void {
    const deadAfter = this.opts.deadAfterMs ?? 5_000;
    const waited = this.awaitingSince === null ? 0 : this.clock.now() - this.awaitingSince;
    this.arm('dead', Math.max(1, deadAfter - waited), () => {
      const silentFor = this.awaitingSince === null ? 0 : this.clock.now() - this.awaitingSince;
      if (silentFor >= deadAfter) this.fail(`no answer from the hub for ${Math.round(silentFor)} ms`);
      else this.armDeadTimer();
    });
  }

  // ---- failing ---------------------------------------------------------------------

  private onSocketClose(code: number, reason: string): void {
    const why = `closed ${code}${reason ? ` (${reason})` : ''}${this.lastError ? `: ${this.lastError}` : ''}`;
    this.sock = null;
    if (TERMINAL_CLOSES.has(code)) this.terminal(why, code);
    // P11/P31: a hub going away or draining hands us over to the next URL at once (spread by a
    // little jitter), but only from a working connection, so a cluster that keeps refusing
    // still backs off.
    else if (HANDOVER_CLOSES.has(code) && this.current === 'connected') this.fail(why, code, true);
    else this.fail(why, code);
  }

  /** A retryable failure: next URL, then a backoff (or the suspended cadence). */
  private fail(reason: string, closeCode?: number, handover = false): void {
    if (this.current !== 'connecting' && this.current !== 'connected') return;
    this.dropSocket(1000, 'reconnecting');
    this.clearTimer('open');
    this.clearTimer('ping');
    this.clearTimer('dead');
    const previous = this.current;
    if (!handover) this.failures++;
    this.urlIndex = (this.urlIndex + 1) % this.urls.length;
    const now = this.clock.now();
    if (this.disconnectedSince === null) {
      this.disconnectedSince = now;
      this.arm('suspend', this.opts.suspendAfterMs ?? 120_000, () => this.onSuspendDue());
    }
    const suspended = now - this.disconnectedSince >= (this.opts.suspendAfterMs ?? 120_000);
    if (handover) this.handoverAt = now;
    const delay =
      suspended && !handover
        ? (this.opts.suspendedRetryMs ?? 30_000)
        : retryDelay({
            handover,
            sinceHandoverMs: this.handoverAt === null ? null : now - this.handoverAt,
            failures: this.failures,
            random: this.random,
            backoff: this.backoff,
            handoverJitterMs: this.opts.handoverJitterMs ?? HANDOVER_JITTER_MS,
          });
    this.current = suspended ? 'suspended' : 'disconnected';
    this.retryAt = now + delay;
    this.arm('retry', delay, () => this.attemptNow());
    this.emitState(previous, { retryInMs: delay, nextHubUrl: this.nextUrl(), reason, closeCode });
  }

  /** suspendAfterMs since the first failure: say so now, without delaying the pending retry. */
  private onSuspendDue(): void {
    if (this.current !== 'disconnected') return; // a running attempt decides when it fails
    this.transition('suspended', {
      retryInMs: Math.max(0, this.retryAt - this.clock.now()),
      nextHubUrl: this.nextUrl(),
      reason: `not connected for ${this.opts.suspendAfterMs ?? 120_000} ms`,
    });
  }

  /** Terminal: no retry until connect() is called again (e.g. with a new token). */
  private terminal(reason: string, closeCode?: number): void {
    this.dropSocket(1000, 'failed');
    this.clearAllTimers();
    this.welcomeFrame = null;
    this.transition('failed', { reason, closeCode });
  }

  // ---- plumbing --------------------------------------------------------------------

  private transition(state: ConnectionState, extra: Extra): void {
    const previous = this.current;
    this.current = state;
    this.emitState(previous, extra);
  }

  private emitState(previous: ConnectionState, extra: Extra): void {
    const defined = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)) as Extra;
    this.events.emit('state', { state: this.current, previous, hubUrl: this.currentUrl, attempt: this.failures, ...defined });
  }

  private nextUrl(): string {
    return this.urls[this.urlIndex % this.urls.length] as string;
  }

  private resetRecovery(): void {
    this.failures = 0;
    this.handoverAt = null;
    this.disconnectedSince = null;
    this.welcomeFrame = null;
  }

  private write(frame: OutFrame): boolean {
    const sock = this.sock;
    if (!sock || sock.readyState !== WS_OPEN) return false;
    try {
      sock.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Forget the socket first, so the events it may still fire are ignored. */
  private dropSocket(code: number, reason: string): void {
    const sock = this.sock;
    this.sock = null;
    if (!sock) return;
    sock.onopen = sock.onmessage = sock.onclose = null;
    // Not null: `ws` throws an 'error' event that has no listener (a close while connecting emits one).
    sock.onerror = () => undefined;
    try {
      sock.close(code, reason);
    } catch {
      // closing a broken socket may throw; it is gone either way
    }
  }

  private arm(name: TimerName, ms: number, fn: () => void): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      this.clock.setTimeout(() => {
        this.timers.delete(name);
        fn();
      }, ms),
    );
  }

  private clearTimer(name: TimerName): void {
    const handle = this.timers.get(name);
    if (handle === undefined) return;
    this.timers.delete(name);
    this.clock.clearTimeout(handle);
  }

  private clearAllTimers(): void {
    for (const name of [...this.timers.keys()]) this.clearTimer(name);
  }
}

function errorText(ev: unknown): string {
  if (ev instanceof Error) return ev.message;
  const e = ev as { message?: unknown; error?: { message?: unknown } } | null;
  const m = e?.message ?? e?.error?.message;
  return typeof m === 'string' && m ? m : 'socket error';
}
