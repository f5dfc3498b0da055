/**
 * The browser's link to the hub (issue 6, items 2-3): one WebSocket at a time with subprotocol
 * stagecall.v1, hello → welcome, a ping every 2 s for RTT and the hub clock, views mirrored by
 * snapshot + patch, and reconnects with backoff + jitter over the hub list. Every inbound frame
 * is validated (the shared client's zod-free decoder, which checks every field of the frame
 * schemas that the phone reads) before anything trusts it.
 */
// Never the protocol barrel: its zod schemas would more than double the phone's first load.
import { decodeHubFrameLight } from '../../shared/client/decode-hub-frame';
import type { AckFrame, ClientFrame, ErrorFrame, HelloFrame, HubFrame, NackFrame, SyncView, WelcomeFrame } from '../../shared/protocol/frames';
import { CloseCode, SUBPROTOCOL } from '../../shared/protocol/limits';
import { backoffDelay } from './backoff';
import { HubClock } from './hub-clock';
import { ViewMirror } from './view-mirror';

export const PING_EVERY_MS = 2_000;
/** A ping unanswered (no frame at all) for this long means the socket is dead even if the OS has not noticed. */
export const SILENCE_LIMIT_MS = 7_000;
/** A hub that does not welcome within this long is skipped for the next one. */
export const WELCOME_TIMEOUT_MS = 8_000;
/** While the browser says it is offline, still try now and then: navigator.onLine can be wrong. */
const OFFLINE_RETRY_MS = 15_000;

export type LinkPhase = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'unauthorized' | 'stopped';

export interface LinkStatus {
  phase: LinkPhase;
  /** The WebSocket URL in use or being tried. */
  hub: string | null;
  attempt: number;
  rttMs: number | null;
  offsetMs: number | null;
  detail: string | null;
}

export interface HubClientEvents {
  status(s: LinkStatus): void;
  welcome(w: WelcomeFrame): void;
  view(view: SyncView, doc: unknown, serial: number): void;
  self(data: unknown): void;
  ack(f: AckFrame): void;
  nack(f: NackFrame): void;
  error(f: ErrorFrame): void;
  /** The socket went away: pubs in flight may or may not have landed (P14 makes a resend safe). */
  down(): void;
}

export interface HubClientOptions {
  /** WebSocket URLs, tried in turn. */
  endpoints: string[];
  token: string;
  eventId?: string;
  views: SyncView[];
  clientName: string;
  on: Partial<HubClientEvents>;
}

export class HubClient {
  readonly clock = new HubClock();
  private readonly mirrors = new Map<SyncView, ViewMirror>();
  private ws: WebSocket | null = null;
  private phase: LinkPhase = 'stopped';
  private detail: string | null = null;
  private urlIndex = 0;
  private attempt = 0;
  private welcomed = false;
  private everWelcomed = false;
  /** When the oldest ping still waiting for any frame in reply went out; null when none is waiting. */
  private awaitingSince: number | null = null;
  private openedAt = 0;
  private pingSeq = 0;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;

  constructor(private readonly opts: HubClientOptions) {
    for (const v of opts.views) this.mirrors.set(v, new ViewMirror());
  }

  get status(): LinkStatus {
    return {
      phase: this.phase,
      hub: this.opts.endpoints[this.urlIndex] ?? null,
      attempt: this.attempt,
      rttMs: this.clock.rttMs,
      offsetMs: this.clock.offset,
      detail: this.detail,
    };
  }

  get online(): boolean {
    return this.phase === 'online';
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    window.addEventListener('offline', this.onBrowserOffline);
    window.addEventListener('online', this.onBrowserOnline);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.pingTimer = setInterval(this.tick, PING_EVERY_MS);
    this.connect();
  }

  stop(): void {
    this.started = false;
    window.removeEventListener('offline', this.onBrowserOffline);
    window.removeEventListener('online', this.onBrowserOnline);
    document.removeEventListener('visibilitychange', this.onVisibility);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.pingTimer = this.retryTimer = null;
    this.dropSocket(1000);
    this.setPhase('stopped', null);
  }

  /** Sends when welcomed; false otherwise (the caller keeps the frame for later). */
  send(frame: ClientFrame): boolean {
    if (!this.welcomed || !this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  // ---- connection lifecycle -------------------------------------------------------------
  private connect(): void {
    if (!this.started) return;
    this.retryTimer = null;
    const url = this.opts.endpoints[this.urlIndex];
    if (!url) {
      this.setPhase('stopped', 'no hub address');
      return;
    }
    if (navigator.onLine) this.setPhase(this.everWelcomed ? 'reconnecting' : 'connecting', null);
    let ws: WebSocket;
    try {
      ws = new WebSocket(url, SUBPROTOCOL);
    } catch {
      this.scheduleRetry(true);
      return;
    }
    this.ws = ws;
    this.welcomed = false;
    this.openedAt = Date.now();
    this.awaitingSince = null;
    ws.onopen = () => {
      const hello: HelloFrame = { t: 'hello', token: this.opts.token, client: { name: this.opts.clientName, version: '1' } };
      if (this.opts.eventId) hello.eventId = this.opts.eventId;
      ws.send(JSON.stringify(hello));
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (ws !== this.ws) return;
      this.awaitingSince = null;
      const d = decodeHubFrameLight(ev.data);
      if (!d.ok) return; // not a frame we can trust: ignore it (the hub is the one that is wrong)
      this.onFrame(d.frame);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (ws !== this.ws) return;
      this.onSocketGone(ev.code, ev.reason);
    };
  }

  private onFrame(f: HubFrame): void {
    const on = this.opts.on;
    switch (f.t) {
      case 'welcome':
        this.welcomed = this.everWelcomed = true;
        this.attempt = 0;
        this.clock.seed(f.hubTime);
        this.setPhase('online', null);
        this.ping();
        for (const [view, mirror] of this.mirrors) this.send({ t: 'sub', view, ...mirror.resumeFields(f.epoch) });
        on.welcome?.(f);
        return;
      case 'pong':
        this.clock.sample(f.ts, Date.now(), f.hubTime);
        on.status?.(this.status);
        return;
      case 'sync': {
        const mirror = this.mirrors.get(f.view);
        if (!mirror) return;
        const r = mirror.apply(f);
        if (r.kind === 'changed') on.view?.(f.view, mirror.doc, f.serial);
        else this.send({ t: 'sub', view: f.view, ...(r.since !== undefined ? { since: r.since } : {}), ...(r.epoch ? { epoch: r.epoch } : {}) });
        return;
      }
      case 'self':
        on.self?.(f.data);
        return;
      case 'ack':
        on.ack?.(f);
        return;
      case 'nack':
        on.nack?.(f);
        return;
      case 'error':
        if (f.code === 'unauthorized') this.detail = f.message;
        on.error?.(f);
        return;
      default:
        return;
    }
  }

  private onSocketGone(code: number, reason: string): void {
    const wasWelcomed = this.welcomed;
    this.detachSocket();
    this.opts.on.down?.();
    if (!this.started) return;
    if (code === CloseCode.unauthorized || code === CloseCode.forbidden) {
      // The token is not (or no longer) good here: retrying cannot help; the app decides what to do.
      this.setPhase('unauthorized', reason || this.detail || 'token refused');
      return;
    }
    // P11/P31: a hub going away or draining sends us to the next one; a failed attempt too.
    const moveOn = !wasWelcomed || code === CloseCode.goingAway || code === CloseCode.serviceRestart;
    this.scheduleRetry(moveOn, code === CloseCode.rateLimited);
  }

  private scheduleRetry(nextHub: boolean, slow = false): void {
    if (nextHub && this.opts.endpoints.length > 0) this.urlIndex = (this.urlIndex + 1) % this.opts.endpoints.length;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (!navigator.onLine) {
      this.setPhase('offline', null);
      this.retryTimer = setTimeout(() => this.connect(), OFFLINE_RETRY_MS);
      return;
    }
    const delay = backoffDelay(this.attempt + (slow ? 4 : 0));
    this.attempt++;
    this.setPhase('reconnecting', null);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Forget the current socket without waiting for a close handshake a dead network never completes. */
  private dropSocket(code: number): void {
    const ws = this.ws;
    this.detachSocket();
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) {
      try {
        ws.close(code);
      } catch {
        // closing an already-broken socket may throw; it is gone either way
      }
    }
  }

  private detachSocket(): void {
    const ws = this.ws;
    if (ws) ws.onopen = ws.onmessage = ws.onclose = null;
    this.ws = null;
    this.welcomed = false;
  }

  private readonly tick = (): void => {
    if (!this.ws) return;
    const now = Date.now();
    // Measured from an unanswered ping, not from the last frame: a phone back from the lock screen
    // (timers frozen, no pings sent) must not drop a healthy socket just because it was quiet.
    const stuck = this.welcomed
      ? this.awaitingSince !== null && now - this.awaitingSince > SILENCE_LIMIT_MS
      : now - this.openedAt > WELCOME_TIMEOUT_MS;
    if (stuck) {
      this.dropSocket(4000);
      this.opts.on.down?.();
      this.scheduleRetry(true);
      return;
    }
    this.ping();
  };

  private ping(): void {
    const now = Date.now();
    if (this.send({ t: 'ping', id: ++this.pingSeq, ts: now }) && this.awaitingSince === null) this.awaitingSince = now;
  }

  /** Back in front: check the link now rather than at the next (possibly throttled) tick. */
  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'visible' && this.started) {
      if (this.ws) this.tick();
      else if (this.phase !== 'unauthorized' && this.phase !== 'online') this.onBrowserOnline();
    }
  };

  private readonly onBrowserOffline = (): void => {
    // Do not wait for the socket to time out: nothing can get through now.
    if (this.ws) {
      this.dropSocket(1000);
      this.opts.on.down?.();
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), OFFLINE_RETRY_MS);
    this.setPhase('offline', null);
  };

  private readonly onBrowserOnline = (): void => {
    if (this.phase === 'online' || this.phase === 'unauthorized' || this.phase === 'stopped') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.attempt = 0;
    this.dropSocket(1000);
    this.connect();
  };

  private setPhase(phase: LinkPhase, detail: string | null): void {
    this.phase = phase;
    this.detail = detail;
    this.opts.on.status?.(this.status);
  }
}
