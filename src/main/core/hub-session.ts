/**
 * One console's connection to one event: the Link (resilient socket), the Outbox (journaled
 * actions sent in order, paced under the hub's rate limit), the staff-view mirror, the
 * recent log, and the translation of all of it into console events (console-api.ts
 * `Events`). ConsoleCore makes one per session and closes it when the session ends.
 */
import type { EventName, Events, LinkState as ApiLinkState, LinkStatus as ApiLinkStatus, SyncEvent } from '../../shared/console-api';
import type { ErrorFrame, HubFrame, PubFrame, SyncFrame, WireEntry } from '../../shared/protocol';
import { Outbox, type Journal } from './journal';
import { Link, ViewMirror, realClock, wsSocketFactory, type Clock, type LinkOptions, type LinkState, type LinkStateChange, type SocketFactory } from './link';
import { SendPacer } from './send-pacer';
import { throttle, type Throttled } from './throttle';

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Link tuning a caller may override (tests shorten the backoff). */
export type LinkTuning = Partial<Pick<LinkOptions, 'backoff' | 'pingEveryMs' | 'deadAfterMs' | 'openTimeoutMs' | 'suspendAfterMs' | 'suspendedRetryMs'>>;

export interface MirrorState {
  epoch: string;
  serial: number;
  doc: unknown;
}

export interface HubSessionOptions {
  hubUrls: string[];
  token: string;
  eventId: string;
  journal: Journal;
  emit: Emit;
  client: { name: string; version: string };
  /** The staff view from the last run (view-cache.ts): shown at once, resumed by patch. */
  seed?: MirrorState | null;
  /** Called at most every 2 s (and on close) with the mirror, to persist it. */
  persistMirror?: (view: MirrorState) => void | Promise<void>;
  link?: LinkTuning;
  clock?: Clock;
  socketFactory?: SocketFactory;
}

/** Log entries kept for `log/recent` (and asked for on subscribe). */
export const LOG_KEEP = 1_000;

const apiState = (s: LinkState): ApiLinkState => (s === 'closed' ? 'idle' : s);

export const idleStatus = (hubUrls: string[] = []): ApiLinkStatus => ({
  state: 'idle',
  hubUrl: null,
  hubUrls: [...hubUrls],
  attempt: 0,
  retryAt: null,
  reason: null,
  clockOffsetMs: 0,
  node: null,
});

function toSyncEvent(f: SyncFrame): SyncEvent {
  return 'patch' in f
    ? { view: 'staff', epoch: f.epoch, serial: f.serial, base: f.base, patch: f.patch }
    : { view: 'staff', epoch: f.epoch, serial: f.serial, snapshot: f.snapshot };
}

export class HubSession {
  readonly link: Link;
  readonly mirror: ViewMirror;
  private readonly outbox: Outbox;
  private readonly pacer: SendPacer;
  private readonly clock: Clock;
  private readonly sentAt = new Map<string, number>();
  private log: WireEntry[] = [];
  private unsentLog: WireEntry[] = [];
  private logSubscribed = false;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private hubUrls: string[];
  private node: string | null = null;
  private clockOffsetMs = 0;
  private lastRttMs = 0;
  private current: ApiLinkStatus;
  private closed = false;
  private readonly emitLog: Throttled;
  private readonly persist: Throttled;

  constructor(private readonly opts: HubSessionOptions) {
    this.clock = opts.clock ?? realClock;
    this.hubUrls = [...opts.hubUrls];
    this.current = idleStatus(this.hubUrls);
    this.pacer = new SendPacer(() => this.clock.now());
    this.link = new Link({
      hubUrls: this.hubUrls,
      token: () => opts.token,
      clock: this.clock,
      socketFactory: opts.socketFactory ?? wsSocketFactory,
      client: opts.client,
      ...opts.link,
      onListenerError: (err) => console.error('[console] link listener failed', err),
    });
    this.mirror = new ViewMirror('staff', this.link);
    this.outbox = new Outbox(opts.journal, (f) => this.send(f), { eventId: opts.eventId });
    this.emitLog = throttle(() => this.flushLog(), 100);
    this.persist = throttle(() => this.persistNow(), 2_000);
    this.link.on('state', (c) => this.onState(c));
    this.link.on('frame', (f) => this.onFrame(f));
    this.link.on('rtt', (ms) => {
      this.lastRttMs = ms;
      opts.emit('rtt', { at: Date.now(), rttMs: ms });
    });
  }

  /** Subscribes (resuming from the seed when there is one) and connects. */
  start(): void {
    const seed = this.opts.seed;
    if (seed && this.mirror.apply({ t: 'sync', view: 'staff', epoch: seed.epoch, serial: seed.serial, snapshot: seed.doc }).ok) {
      this.link.subscribe('staff', { since: seed.serial, epoch: seed.epoch });
    } else this.link.subscribe('staff');
    this.link.subscribe('stats');
    this.link.connect();
  }

  get status(): ApiLinkStatus {
    return { ...this.current, hubUrls: [...this.current.hubUrls] };
  }

  get view(): MirrorState | null {
    const { epoch, serial, doc } = this.mirror;
    return epoch !== undefined && serial !== undefined && doc !== undefined ? { epoch, serial, doc } : null;
  }

  recentLog(limit = LOG_KEEP): WireEntry[] {
    return this.log.slice(-Math.min(limit, LOG_KEEP));
  }

  setHubUrls(urls: string[]): void {
    this.hubUrls = [...urls];
    this.link.setHubUrls(urls);
    this.current = { ...this.current, hubUrls: [...urls] };
    this.opts.emit('status', this.status);
    this.link.connect(); // from disconnected/suspended: try the new list now
  }

  /** Stops sending and closes the socket; unsent actions stay in the journal. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.outbox.dispose();
    this.link.disconnect();
    this.emitLog.cancel();
    this.persist.flush();
    this.persist.cancel();
  }

  // ---- sending -------------------------------------------------------------------

  private send(frame: PubFrame): boolean {
    if (this.closed || this.link.getStatus().state !== 'connected') return false;
    if (!this.pacer.take()) {
      this.flushLater(this.pacer.waitMs());
      return false;
    }
    if (!this.link.send(frame)) return false;
    this.sentAt.set(frame.id, this.clock.now());
    return true;
  }

  /** Outbox.flush() marks the outbox online, so it is only called while connected. */
  private flushLater(ms: number): void {
    if (this.flushTimer || this.closed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      if (!this.closed && this.link.getStatus().state === 'connected') this.outbox.flush();
    }, Math.max(5, ms));
  }

  // ---- link events ----------------------------------------------------------------

  private onState(c: LinkStateChange): void {
    if (this.closed && c.state !== 'closed') return;
    const welcome = c.state === 'connected' ? this.link.getStatus().welcome : undefined;
    if (welcome) {
      this.node = welcome.node;
      // The hub's clock when the welcome arrived ≈ hubTime + half a round trip.
      this.clockOffsetMs = Math.round(welcome.hubTime + this.lastRttMs / 2 - Date.now());
      this.pacer.configure(welcome.limits.ratePerSec);
    } else if (c.previous === 'connected' || c.previous === 'connecting') {
      this.outbox.onDisconnect(); // in-flight actions are resent, same ids, after the next welcome
      this.sentAt.clear();
    }
    this.current = {
      state: apiState(c.state),
      hubUrl: c.hubUrl,
      hubUrls: [...this.hubUrls],
      attempt: c.attempt,
      retryAt: c.retryInMs !== undefined ? Date.now() + c.retryInMs : null,
      reason: c.reason ?? null,
      clockOffsetMs: this.clockOffsetMs,
      node: this.node,
    };
    this.opts.emit('status', this.status);
    if (c.state === 'failed') this.opts.emit('notice', { level: 'error', message: `The hub refused this console: ${c.reason ?? 'no reason given'}. Join again with a new token.` });
    if (welcome) this.outbox.flush();
  }

  private onFrame(f: HubFrame): void {
    if (this.closed) return;
    switch (f.t) {
      case 'ack': {
        const at = this.sentAt.get(f.id);
        if (at !== undefined) {
          this.sentAt.delete(f.id);
          this.opts.emit('ack', { at: Date.now(), ms: Math.max(0, Math.round(this.clock.now() - at)) });
        }
        this.outbox.onAck(f);
        return;
      }
      case 'nack':
        this.sentAt.delete(f.id);
        this.outbox.onNack(f);
        this.opts.emit('notice', { level: 'warning', message: `The hub refused an action (${f.code}): ${f.message}` });
        return;
      case 'sync':
        if (f.view === 'staff') this.onSync(f);
        return;
      case 'log':
        this.onLog(f.entries);
        return;
      case 'stats':
        this.opts.emit('stats', f);
        return;
      case 'error':
        this.onError(f);
        return;
      default:
        return;
    }
  }

  private onSync(f: SyncFrame): void {
    const r = this.mirror.apply(f);
    if (!r.ok) return; // the mirror asked for a resync; the renderer gets the frame that fixes it
    this.opts.emit('sync', toSyncEvent(f));
    this.opts.journal.saveLastSerial('staff', f.epoch, f.serial);
    this.persist();
    if (!this.logSubscribed) {
      // Only the recent log: a console joining a long event must not download all of it.
      this.logSubscribed = true;
      this.link.subscribe('log', { since: Math.max(0, f.serial - LOG_KEEP), epoch: f.epoch });
    }
  }

  private onLog(entries: WireEntry[]): void {
    this.log.push(...entries);
    if (this.log.length > 2 * LOG_KEEP) this.log = this.log.slice(-LOG_KEEP);
    this.unsentLog.push(...entries);
    if (this.unsentLog.length > 2 * LOG_KEEP) this.unsentLog = this.unsentLog.slice(-LOG_KEEP);
    this.emitLog();
  }

  private flushLog(): void {
    if (this.unsentLog.length === 0) return;
    const batch = this.unsentLog.slice(-LOG_KEEP);
    this.unsentLog = [];
    this.opts.emit('log', batch);
  }

  private onError(f: ErrorFrame): void {
    if (f.code === 'unavailable') {
      // The hub could not store what we sent and will not ack it: resend the window, same ids (P14).
      this.outbox.onDisconnect();
      this.flushLater(1_000);
      this.opts.emit('notice', { level: 'warning', message: `The hub could not store actions (${f.message}); retrying.` });
    } else if (f.code !== 'unauthorized') {
      this.opts.emit('notice', { level: 'warning', message: `The hub reported ${f.code}: ${f.message}` });
    }
  }

  private persistNow(): void {
    const v = this.view;
    if (v && this.opts.persistMirror) void this.opts.persistMirror(v);
  }
}
