/**
 * The Stagecall client: one resilient connection (connection.ts), the views it mirrors
 * (view-mirror.ts), the log and stats streams, `self` frames, and publishing through an outbox
 * (publisher.ts). Every program talks to the hub through it; integrators get it as
 * `stagecall/client` (docs/client.md).
 */
import { AT_EVERY_MS } from '../protocol/limits';
import type { ClientFrame, HubFrame, LogFrame, StatsFrame, SubFrame, SyncFrame, SyncView, WireEntry, AckFrame } from '../protocol/frames';
import type { ClientEvents, ClientOptions, ClientStatus, PublishOptions, ViewListener } from './client-types';
import { Connection, type AtFrame } from './connection';
import type { ConnectionState } from './connection-types';
import { Emitter } from './emitter';
import { hashCheck } from './hash-check';
import type { HubClock } from './hub-clock';
import { MemoryOutbox, type OutboxStore } from './outbox';
import type { Clock, TimerHandle } from './ports';
import { Publisher } from './publisher';
import { realClock } from './real-clock';
import { ViewMirror, type MirrorHooks, type ViewCursor, type ViewState } from './view-mirror';

interface ViewSub {
  mirror: ViewMirror;
  listeners: Set<ViewListener>;
  lastAtSent: number;
  atTimer: TimerHandle | null;
}

export class StagecallClient {
  readonly connection: Connection;
  private readonly events: Emitter<ClientEvents>;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly publisher: Publisher;
  private readonly store: OutboxStore;
  private readonly views = new Map<SyncView, ViewSub>();
  private readonly logListeners = new Set<(entries: WireEntry[]) => void>();
  private logCursor: ViewCursor | null = null;
  private readonly statsListeners = new Set<(f: StatsFrame) => void>();
  private readonly idPrefix: string;
  private readonly verify: MirrorHooks['verify'];
  private seq = 0;

  constructor(private readonly opts: ClientOptions) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.events = new Emitter<ClientEvents>(opts.onListenerError);
    this.connection = new Connection({ ...opts, clock: this.clock, random: this.random });
    this.store = opts.outbox ?? new MemoryOutbox();
    this.idPrefix = opts.idPrefix ?? randomTag(this.random, 8);
    this.verify = opts.verify === false ? undefined : (opts.verify ?? hashCheck());
    this.publisher = new Publisher({
      store: this.store,
      clock: this.clock,
      window: opts.window,
      send: (item) => this.connection.send({ t: 'pub', id: item.id, name: item.name, data: item.data }),
      onSettled: (id, outcome) => this.events.emit('settled', { id, outcome }),
    });
    this.connection.on('welcome', (w) => {
      this.renewSubscriptions(w.epoch);
      this.publisher.onWelcome(w);
      this.events.emit('welcome', w);
    });
    this.connection.on('state', (c) => {
      if (c.previous === 'connected' && c.state !== 'connected') this.publisher.onDisconnect();
      this.events.emit('state', c);
    });
    this.connection.on('rtt', (ms) => this.events.emit('rtt', ms));
    this.connection.on('frame', (f) => this.onFrame(f));
    if (opts.autoConnect !== false) this.connection.connect();
  }

  // ---- the small public surface (docs/client.md) -------------------------------------

  get state(): ConnectionState {
    return this.connection.state;
  }

  on<K extends keyof ClientEvents>(event: K, fn: (payload: ClientEvents[K]) => void): () => void {
    return this.events.on(event, fn);
  }

  /**
   * Mirrors a view: `fn(state, { serial, epoch })` now if a state is held, then on every change,
   * resuming by patch after reconnects (P18, P19). Returns the function that stops it.
   */
  view(name: SyncView, fn: ViewListener): () => void {
    let sub = this.views.get(name);
    if (!sub) {
      sub = { mirror: new ViewMirror(name, { verify: this.verify }), listeners: new Set(), lastAtSent: -Infinity, atTimer: null };
      this.views.set(name, sub);
    }
    const first = sub.listeners.size === 0;
    sub.listeners.add(fn);
    if (first) this.sendSub(name, sub.mirror.cursor());
    const held = sub.mirror.state;
    if (held) fn(held.doc, { serial: held.serial, epoch: held.epoch });
    return () => {
      const s = this.views.get(name);
      if (!s || !s.listeners.delete(fn) || s.listeners.size > 0) return;
      this.connection.send({ t: 'unsub', view: name });
      if (s.atTimer !== null) this.clock.clearTimeout(s.atTimer);
      s.atTimer = null;
    };
  }

  /** P12-P14: resolves once with the ack; survives disconnects and hub restarts; rejects with the nack's code. */
  publish(name: string, data: unknown, options: PublishOptions = {}): Promise<AckFrame> {
    const id = options.id ?? this.nextId();
    return this.publisher.publish({ id, name, data, ...(options.key !== undefined ? { key: options.key } : {}) });
  }

  /** Closes the socket and stops retrying; unanswered publishes reject with code `closed` (they stay in the outbox). */
  close(): void {
    for (const sub of this.views.values()) if (sub.atTimer !== null) this.clock.clearTimeout(sub.atTimer);
    this.publisher.close();
    this.connection.close();
  }

  // ---- for the programs built on it ---------------------------------------------------

  /** From closed or failed: start again; from disconnected or suspended: retry now. */
  connect(): void {
    this.connection.connect();
  }

  get hubClock(): HubClock {
    return this.connection.hubClock;
  }

  get status(): ClientStatus {
    const c = this.connection;
    let mismatches = 0;
    for (const s of this.views.values()) mismatches += s.mirror.mismatches;
    return {
      state: c.state,
      hubUrl: c.hubUrl,
      hubUrls: c.hubUrls,
      attempt: c.attempt,
      welcome: c.welcome,
      rttMs: c.hubClock.rttMs,
      clockOffsetMs: c.hubClock.offset,
      invalidFrames: c.invalidFrames,
      ...(c.lastInvalid !== undefined ? { lastInvalid: c.lastInvalid } : {}),
      connects: c.connects,
      mismatches,
    };
  }

  /** The mirrored state of a view, if any. */
  viewState(name: SyncView): ViewState | null {
    return this.views.get(name)?.mirror.state ?? null;
  }

  /** Starts a view from a state kept from an earlier run (shown at once, resumed by patch). Call before view(). */
  seedView(name: SyncView, state: ViewState): void {
    const sub = this.views.get(name) ?? { mirror: new ViewMirror(name, { verify: this.verify }), listeners: new Set<ViewListener>(), lastAtSent: -Infinity, atTimer: null };
    sub.mirror.seed(state);
    this.views.set(name, sub);
  }

  /** P17: the log stream from `since` (staff only). One listener set, one cursor (epoch-aware). */
  log(fn: (entries: WireEntry[]) => void, from: { since?: number; epoch?: string } = {}): () => void {
    const first = this.logListeners.size === 0;
    this.logListeners.add(fn);
    if (first) {
      this.logCursor = { ...from };
      this.sendSub('log', this.logCursor);
    }
    return () => {
      if (!this.logListeners.delete(fn) || this.logListeners.size > 0) return;
      this.logCursor = null;
      this.connection.send({ t: 'unsub', view: 'log' });
    };
  }

  /** P23: the hub's stats frames (staff only). */
  stats(fn: (f: StatsFrame) => void): () => void {
    if (this.statsListeners.size === 0) this.sendSub('stats', {});
    this.statsListeners.add(fn);
    return () => {
      if (this.statsListeners.delete(fn) && this.statsListeners.size === 0) this.connection.send({ t: 'unsub', view: 'stats' });
    };
  }

  /** Sends any other frame (history requests); false unless connected. */
  send(frame: ClientFrame): boolean {
    return this.connection.send(frame);
  }

  setUrls(urls: string[]): void {
    this.connection.setUrls(urls);
    this.connection.connect();
  }

  /** Resend what the pacing held back (the caller knows new items were stored behind the client's back). */
  flush(): void {
    this.publisher.flush();
  }

  // ---- inbound -------------------------------------------------------------------

  private onFrame(f: HubFrame): void {
    switch (f.t) {
      case 'sync':
        this.onSync(f);
        break;
      case 'self':
        this.events.emit('self', f.data);
        break;
      case 'ack':
        this.publisher.onAck(f);
        break;
      case 'nack':
        this.publisher.onNack(f);
        break;
      case 'error':
        this.publisher.onError(f);
        break;
      case 'log':
        this.onLog(f);
        break;
      case 'stats':
        for (const fn of [...this.statsListeners]) this.guard(() => fn(f));
        break;
    }
    this.events.emit('frame', f);
  }

  private onSync(f: SyncFrame): void {
    const sub = this.views.get(f.view);
    if (!sub || sub.listeners.size === 0) return;
    const r = sub.mirror.apply(f);
    if (!r.ok) {
      if (r.resubscribe) this.sendSub(f.view, r.resubscribe, undefined, r.code === 'hash_mismatch' ? 'hash_mismatch' : undefined);
      return;
    }
    const state = sub.mirror.state as ViewState;
    for (const fn of [...sub.listeners]) this.guard(() => fn(state.doc, { serial: state.serial, epoch: state.epoch, frame: f }));
    if (this.opts.reportApplied) this.reportAt(f.view, sub);
  }

  private onLog(f: LogFrame): void {
    const c = this.logCursor;
    const epoch = this.connection.welcome?.epoch;
    if (!c || epoch === undefined) return;
    for (const e of f.entries) {
      if (c.epoch !== epoch) {
        c.epoch = epoch;
        c.since = undefined;
      }
      if (c.since === undefined || e.serial > c.since) c.since = e.serial;
    }
    for (const fn of [...this.logListeners]) this.guard(() => fn(f.entries));
  }

  // ---- outbound -------------------------------------------------------------------

  private renewSubscriptions(epoch: string): void {
    for (const [name, sub] of this.views) if (sub.listeners.size > 0) this.sendSub(name, sub.mirror.cursor(), epoch);
    if (this.logCursor) this.sendSub('log', this.logCursor, epoch);
    if (this.statsListeners.size > 0) this.sendSub('stats', {});
  }

  private sendSub(view: SubFrame['view'], c: ViewCursor, welcomeEpoch = this.connection.welcome?.epoch, reason?: SubFrame['reason']): void {
    const frame: SubFrame = { t: 'sub', view, ...(reason ? { reason } : {}) };
    if (view !== 'stats' && c.since !== undefined) {
      if (view === 'log') {
        // A log serial from another epoch points into a log that no longer exists (P15): ask from the start.
        frame.since = c.epoch !== undefined && welcomeEpoch !== undefined && c.epoch !== welcomeEpoch ? 0 : c.since;
      } else {
        frame.since = c.since;
        if (c.epoch !== undefined) frame.epoch = c.epoch;
      }
    }
    this.connection.send(frame);
  }

  private reportAt(view: SyncView, sub: ViewSub): void {
    if (sub.atTimer !== null) return; // the pending one sends the latest serial
    const due = sub.lastAtSent + AT_EVERY_MS - this.clock.now();
    const send = (): void => {
      sub.atTimer = null;
      const st = sub.mirror.state;
      if (!st) return;
      const at: AtFrame = { t: 'at', view, serial: st.serial };
      if (this.connection.send(at)) sub.lastAtSent = this.clock.now();
    };
    if (due <= 0) send();
    else sub.atTimer = this.clock.setTimeout(send, due);
  }

  private nextId(): string {
    return `${this.idPrefix}-${(++this.seq).toString(36)}.${randomTag(this.random, 4)}`.slice(-64);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      (this.opts.onListenerError ?? ((e: unknown) => console.error('[stagecall] listener failed', e)))(err);
    }
  }
}

function randomTag(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += Math.floor(random() * 36).toString(36);
  return s;
}

/** The client, connected (unless `autoConnect: false`). See docs/client.md. */
export function createClient(options: ClientOptions): StagecallClient {
  return new StagecallClient(options);
}
