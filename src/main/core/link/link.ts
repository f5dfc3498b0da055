/**
 * Link: one resilient WebSocket to the hub, with Ably's connection states.
 *
 *   closed ──connect()──▶ connecting ──open, hello → welcome──▶ connected
 *   connecting/connected ──any failure──▶ disconnected ──backoff──▶ connecting (next hub URL)
 *   not connected for suspendAfterMs since the first failure ──▶ suspended ──every suspendedRetryMs──▶ connecting
 *   close 4001/4003 or error frame `unauthorized` ──▶ failed (no retry until connect())
 *   disconnect() from any state ──▶ closed (also the initial state; Ably's name)
 *
 * Clock and socket are injected (ports.ts): no timer or network is touched here directly.
 */
import {
  CloseCode,
  decodeHubFrame,
  SUBPROTOCOL,
  type ClientFrame,
  type ViewName,
  type WelcomeFrame,
} from '../../../shared/protocol';
import { DEFAULT_BACKOFF, fullJitterDelay, type BackoffOptions } from './backoff';
import { Emitter } from './emitter';
import type { LinkEvents, LinkOptions, LinkState, LinkStateChange, LinkStatus } from './link-types';
import type { Clock, LinkSocket, TimerHandle } from './ports';
import { SubscriptionBook, type ViewCursor } from './subscriptions';

type TimerName = 'retry' | 'open' | 'ping' | 'dead' | 'suspend';

export class Link {
  private readonly events: Emitter<LinkEvents>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly backoff: BackoffOptions;
  private readonly suspendAfterMs: number;
  private readonly suspendedRetryMs: number;
  private readonly pingEveryMs: number;
  private readonly deadAfterMs: number;
  private readonly openTimeoutMs: number;
  private readonly book = new SubscriptionBook();
  private readonly timers = new Map<TimerName, TimerHandle>();
  private hubUrls: string[];
  private state: LinkState = 'closed';
  private sock: LinkSocket | null = null;
  private urlIndex = 0;
  private currentUrl: string;
  private failures = 0;
  private disconnectedSince: number | null = null;
  private retryAt = 0;
  private welcome: WelcomeFrame | null = null;
  private lastRxAt = 0;
  private pingSeq = 0;
  private lastError: string | undefined;
  private lastRttMs: number | undefined;
  private invalidFrames = 0;
  private lastInvalid: string | undefined;
  private connects = 0;

  constructor(private readonly opts: LinkOptions) {
    if (opts.hubUrls.length === 0) throw new Error('Link needs at least one hub URL');
    this.hubUrls = [...opts.hubUrls];
    this.currentUrl = this.hubUrls[0] as string;
    this.clock = opts.clock;
    this.random = opts.random ?? Math.random;
    this.backoff = { ...DEFAULT_BACKOFF, ...opts.backoff };
    this.suspendAfterMs = opts.suspendAfterMs ?? 120_000;
    this.suspendedRetryMs = opts.suspendedRetryMs ?? 30_000;
    this.pingEveryMs = opts.pingEveryMs ?? 2_000;
    this.deadAfterMs = opts.deadAfterMs ?? 5_000;
    this.openTimeoutMs = opts.openTimeoutMs ?? 10_000;
    this.events = new Emitter<LinkEvents>(opts.onListenerError);
  }

  // ---- public surface --------------------------------------------------------------

  on<K extends keyof LinkEvents>(event: K, fn: (payload: LinkEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  off<K extends keyof LinkEvents>(event: K, fn: (payload: LinkEvents[K]) => void): void {
    this.events.off(event, fn);
  }

  /** From closed/failed: start afresh. From disconnected/suspended: retry now. Otherwise a no-op. */
  connect(): void {
    if (this.state === 'connecting' || this.state === 'connected') return;
    if (this.state === 'closed' || this.state === 'failed') this.resetRecovery();
    this.clearTimer('retry');
    this.attempt();
  }

  /** Close the socket (1000) and stop retrying: state `closed`. Subscriptions are kept for the next connect(). */
  disconnect(): void {
    if (this.state === 'closed') return;
    this.dropSocket(1000, 'client disconnect');
    this.clearAllTimers();
    this.resetRecovery();
    this.transition('closed', { reason: 'disconnect() called' });
  }

  /** Sends one frame; false (and nothing sent) unless connected. */
  send(frame: ClientFrame): boolean {
    if (this.state !== 'connected' || !this.sock) return false;
    return this.write(frame);
  }

  /**
   * Subscribe (or re-subscribe) to a view. An explicit cursor replaces the tracked one:
   * that is how a mirror whose state is not at a patch's base resyncs (P19). Sent now
   * when connected, and renewed after every welcome with the tracked since + epoch.
   */
  subscribe(view: ViewName, from: ViewCursor = {}): void {
    this.book.add(view, from);
    if (this.state === 'connected') this.write(this.book.subFrame(view, this.welcome?.epoch));
  }

  unsubscribe(view: ViewName): void {
    if (this.book.remove(view) && this.state === 'connected') this.write({ t: 'unsub', view });
  }

  /** The tracked cursor of a subscribed view (for persistence, e.g. the journal's lastSerial). */
  cursor(view: ViewName): ViewCursor | undefined {
    return this.book.cursor(view);
  }

  /** Replace the hub URL list; the next attempt starts at its first URL. */
  setHubUrls(urls: string[]): void {
    if (urls.length === 0) throw new Error('Link needs at least one hub URL');
    this.hubUrls = [...urls];
    this.urlIndex = 0;
  }

  getStatus(): LinkStatus {
    return {
      state: this.state,
      hubUrl: this.currentUrl,
      attempt: this.failures,
      welcome: this.state === 'connected' && this.welcome ? this.welcome : undefined,
      lastRttMs: this.lastRttMs,
      invalidFrames: this.invalidFrames,
      lastInvalid: this.lastInvalid,
      connects: this.connects,
    };
  }

  // ---- connecting ------------------------------------------------------------------

  private attempt(): void {
    this.currentUrl = this.hubUrls[this.urlIndex % this.hubUrls.length] as string;
    this.welcome = null;
    this.lastError = undefined;
    let sock: LinkSocket | null = null;
    let factoryError: string | undefined;
    try {
      sock = this.opts.socketFactory(this.currentUrl, SUBPROTOCOL);
    } catch (err) {
      factoryError = err instanceof Error ? err.message : String(err);
    }
    this.sock = sock;
    if (sock) {
      sock.listen({
        open: () => sock === this.sock && this.onOpen(),
        message: (text) => sock === this.sock && this.onMessage(text),
        close: (code, reason) => sock === this.sock && this.onSocketClose(code, reason),
        // `close` always follows and drives the transition; keep the cause for its reason.
        error: (err) => {
          if (sock === this.sock) this.lastError = err.message;
        },
      });
      this.arm('open', this.openTimeoutMs, () => this.fail(`no welcome within ${this.openTimeoutMs} ms`));
    }
    this.transition('connecting', {});
    if (factoryError !== undefined && this.state === 'connecting' && this.sock === null) this.fail(factoryError);
  }

  private onOpen(): void {
    let token: string;
    try {
      token = this.opts.token();
    } catch (err) {
      this.terminal(`no token: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.write({ t: 'hello', token, ...(this.opts.client ? { client: this.opts.client } : {}) });
  }

  private onWelcome(frame: WelcomeFrame): void {
    this.clearTimer('open');
    this.clearTimer('suspend');
    this.welcome = frame;
    this.failures = 0;
    this.disconnectedSince = null;
    this.connects++;
    this.state = 'connected';
    for (const sub of this.book.renewFrames(frame.epoch)) this.write(sub);
    this.lastRxAt = this.clock.now();
    this.ping();
    this.armDeadTimer(this.deadAfterMs);
    this.emitState('connecting', {});
    if (this.state !== 'connected') return;
    this.events.emit('welcome', frame);
    this.events.emit('frame', frame);
  }

  // ---- connected -------------------------------------------------------------------

  private onMessage(text: string): void {
    this.lastRxAt = this.clock.now(); // any frame, valid or not, proves the peer alive
    const decoded = decodeHubFrame(text);
    if (!decoded.ok) {
      this.invalidFrames++;
      this.lastInvalid = `${decoded.code}: ${decoded.message}`;
      return;
    }
    const frame = decoded.frame;
    switch (frame.t) {
      case 'welcome':
        if (this.state === 'connecting') this.onWelcome(frame);
        return;
      case 'pong': {
        const rtt = this.clock.now() - frame.ts;
        if (rtt >= 0) {
          this.lastRttMs = rtt;
          this.events.emit('rtt', rtt);
        }
        return;
      }
      case 'error':
        this.events.emit('frame', frame);
        if (frame.code === 'unauthorized' && this.sock) this.terminal(`unauthorized: ${frame.message}`);
        return;
      case 'sync':
        this.book.noteSync(frame);
        break;
      case 'log':
        if (this.welcome) this.book.noteLog(frame, this.welcome.epoch);
        break;
    }
    this.events.emit('frame', frame);
  }

  private ping(): void {
    if (this.state !== 'connected') return;
    this.write({ t: 'ping', id: ++this.pingSeq, ts: this.clock.now() });
    this.arm('ping', this.pingEveryMs, () => this.ping());
  }

  /** One timer, re-armed lazily, rather than one reset per frame received. */
  private armDeadTimer(ms: number): void {
    this.arm('dead', ms, () => {
      const silentFor = this.clock.now() - this.lastRxAt;
      if (silentFor >= this.deadAfterMs) this.fail(`no frame from the hub for ${silentFor} ms`);
      else this.armDeadTimer(this.deadAfterMs - silentFor);
    });
  }

  // ---- failing ---------------------------------------------------------------------

  private onSocketClose(code: number, reason: string): void {
    const why = `closed ${code}${reason ? ` (${reason})` : ''}${this.lastError ? `: ${this.lastError}` : ''}`;
    this.sock = null;
    if (code === CloseCode.unauthorized || code === CloseCode.forbidden) this.terminal(why, code);
    // P11/P31: a hub going away or draining hands us over to the next URL at once, but only from a
    // working connection, so a cluster that keeps refusing with 1001 still backs off.
    else if ((code === CloseCode.goingAway || code === CloseCode.serviceRestart) && this.state === 'connected') this.fail(why, code, true);
    else this.fail(why, code);
  }

  /** A retryable failure: next URL, then a backoff (or the suspended cadence). */
  private fail(reason: string, closeCode?: number, immediate = false): void {
    if (this.state !== 'connecting' && this.state !== 'connected') return;
    this.dropSocket(1000, 'reconnecting');
    this.clearTimer('open');
    this.clearTimer('ping');
    this.clearTimer('dead');
    const previous = this.state;
    if (!immediate) this.failures++;
    this.urlIndex = (this.urlIndex + 1) % this.hubUrls.length;
    const now = this.clock.now();
    if (this.disconnectedSince === null) {
      this.disconnectedSince = now;
      this.arm('suspend', this.suspendAfterMs, () => this.onSuspendDue());
    }
    const suspended = now - this.disconnectedSince >= this.suspendAfterMs;
    const delay = immediate
      ? 0
      : suspended
        ? this.suspendedRetryMs
        : fullJitterDelay(this.failures - 1, this.random, this.backoff);
    this.state = suspended ? 'suspended' : 'disconnected';
    this.retryAt = now + delay;
    if (!immediate) this.arm('retry', delay, () => this.attempt());
    this.emitState(previous, { retryInMs: delay, nextHubUrl: this.nextUrl(), reason, closeCode });
    if (immediate && this.state === 'disconnected') this.attempt();
  }

  /** suspendAfterMs since the first failure: say so now, without delaying the pending retry. */
  private onSuspendDue(): void {
    this.timers.delete('suspend');
    if (this.state !== 'disconnected') return; // a running attempt decides when it fails
    this.transition('suspended', {
      retryInMs: Math.max(0, this.retryAt - this.clock.now()),
      nextHubUrl: this.nextUrl(),
      reason: `not connected for ${this.suspendAfterMs} ms`,
    });
  }

  /** Terminal: no retry until connect() is called again (e.g. with a new token). */
  private terminal(reason: string, closeCode?: number): void {
    this.dropSocket(1000, 'failed');
    this.clearAllTimers();
    this.welcome = null;
    this.transition('failed', { reason, closeCode });
  }

  // ---- plumbing --------------------------------------------------------------------

  private transition(state: LinkState, extra: Omit<LinkStateChange, 'state' | 'previous' | 'hubUrl' | 'attempt'>): void {
    const previous = this.state;
    this.state = state;
    this.emitState(previous, extra);
  }

  private emitState(previous: LinkState, extra: Omit<LinkStateChange, 'state' | 'previous' | 'hubUrl' | 'attempt'>): void {
    const defined = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined)) as typeof extra;
    this.events.emit('state', { state: this.state, previous, hubUrl: this.currentUrl, attempt: this.failures, ...defined });
  }

  private nextUrl(): string {
    return this.hubUrls[this.urlIndex % this.hubUrls.length] as string;
  }

  private resetRecovery(): void {
    this.failures = 0;
    this.disconnectedSince = null;
    this.welcome = null;
  }

  private write(frame: ClientFrame): boolean {
    if (!this.sock) return false;
    try {
      this.sock.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /** Forget the socket first, so the close event it may still fire is ignored. */
  private dropSocket(code: number, reason: string): void {
    const sock = this.sock;
    this.sock = null;
    sock?.close(code, reason);
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
