/**
 * One console's connection to one event: the shared client (src/shared/client: states,
 * backoff, the staff-view mirror, publishing paced under the hub's rate limit) over the
 * journal as its outbox, the recent log, and the translation of all of it into console events
 * (console-api.ts `Events`). ConsoleCore makes one per session and closes it when it ends.
 */
import WebSocket from 'ws';
import { createClient, hashCheck, type Clock, type ConnectionOptions, type StagecallClient, type StateChange, type ViewMeta, type WebSocketConstructor } from '../../shared/client';
import type { EventName, Events, LinkStatus as ApiLinkStatus, SyncEvent } from '../../shared/console-api';
import { MAX_HUB_FRAME_BYTES, decodeHubFrame, type ErrorFrame, type HistoryFrame, type HubFrame, type StatsFrame, type WireEntry } from '../../shared/protocol';
import { nodeSha256Hex } from '../../shared/node/sha256';
import type { Journal } from './journal';
import { JournalOutbox } from './journal-outbox';
import { throttle, type Throttled } from './throttle';

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Connection tuning a caller may override (tests shorten the backoff). */
export type LinkTuning = Partial<Pick<ConnectionOptions, 'backoff' | 'pingEveryMs' | 'deadAfterMs' | 'openTimeoutMs' | 'suspendAfterMs' | 'suspendedRetryMs'>>;

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
  /** Called at most every 30 s, when the link drops and on close, with the mirror, to persist it. */
  persistMirror?: (view: MirrorState) => void | Promise<void>;
  /** Every staff `stats` frame (P23), before it goes to the renderer. */
  onStats?: (f: StatsFrame) => void;
  /**
   * Whether a screen still shows the log (the core's leased watches). Asked at each arriving log
   * batch: once no watch is left the stream is dropped, so a lapsed lease stops it without a timer.
   */
  logWanted?: () => boolean;
  /** The event's join code from a staff `welcome` (notes 46), each time the hub says it. */
  onJoinCode?: (code: string) => void;
  link?: LinkTuning;
  clock?: Clock;
  WebSocket?: WebSocketConstructor;
}

/**
 * `ws` as the console's hub socket, bounded like what the hub accepts (note 60): whoever answers
 * at a hub URL (a MITM on a venue's ws:// network, a wrong address) could otherwise have it
 * negotiate permessage-deflate (on by default in `ws`) and inflate 60 MB messages from 60 KB each
 * in the console's main process, and send frames up to `ws`'s 100 MiB default. The hub never
 * compresses (per-socket compression would defeat its send-once fan-out).
 */
export class HubSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { perMessageDeflate: false, maxPayload: MAX_HUB_FRAME_BYTES });
  }
}

/** Log entries kept for `log/recent` (and asked for on subscribe). */
export const LOG_KEEP = 1_000;
/**
 * The view cache is the resume cursor: a 2 MB staff view is not worth rewriting for every
 * serial. A console that crashes resumes from at most this far back, by patch while the hub
 * still holds that state, else by snapshot.
 */
const PERSIST_EVERY_MS = 30_000;
/** Unanswered pubs on the wire: hides the round trip, and a long backlog goes out in steps under P24's staff rate. */
const CONSOLE_WINDOW = 50;
/** A history page (P17) the hub has not answered in this long has failed: the link probably dropped. */
const HISTORY_TIMEOUT_MS = 20_000;


export const idleStatus = (hubUrls: string[] = []): ApiLinkStatus => ({
  state: 'closed',
  hubUrl: null,
  hubUrls: [...hubUrls],
  attempt: 0,
  retryAt: null,
  reason: null,
  clockOffsetMs: 0,
  node: null,
});

function toSyncEvent(doc: unknown, meta: ViewMeta): SyncEvent {
  const f = meta.frame;
  return f && 'patch' in f
    ? { view: 'staff', epoch: f.epoch, serial: f.serial, base: f.base, patch: f.patch }
    : { view: 'staff', epoch: meta.epoch, serial: meta.serial, snapshot: doc };
}

export class HubSession {
  readonly client: StagecallClient;
  private readonly sentAt = new Map<string, number>();
  private readonly clock: Clock | undefined;
  private log: WireEntry[] = [];
  private unsentLog: WireEntry[] = [];
  /** A screen shows the log: subscribe (on the first view if none yet). */
  private logWanted = false;
  /** The stream's unsubscribe while subscribed. */
  private logOff: (() => void) | null = null;
  private hubUrls: string[];
  private current: ApiLinkStatus;
  private closed = false;
  private readonly emitLog: Throttled;
  private readonly persist: Throttled;
  private readonly unsubscribeJournal: () => void;
  /** History requests run one at a time, so each answer belongs to the oldest request. */
  private historyChain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: HubSessionOptions) {
    this.hubUrls = [...opts.hubUrls];
    this.current = idleStatus(this.hubUrls);
    this.clock = opts.clock;
    const store = new JournalOutbox(opts.journal, opts.eventId, (id) => this.sentAt.set(id, this.now()));
    this.client = createClient({
      urls: this.hubUrls,
      token: () => opts.token,
      WebSocket: opts.WebSocket ?? HubSocket,
      // Node bundles zod anyway: the full schema gives the sharper error messages.
      decode: decodeHubFrame,
      ...(opts.clock ? { clock: opts.clock } : {}),
      client: opts.client,
      eventId: opts.eventId,
      outbox: store,
      window: CONSOLE_WINDOW,
      // P26 on a 2 MB staff view: native SHA-256, and at most one check a second.
      verify: hashCheck({ sha256Hex: nodeSha256Hex, everyMs: 1_000 }),
      reportApplied: true, // P27: the console's own staff view reports too
      autoConnect: false,
      ...opts.link,
      onListenerError: (err) => console.error('[console] link listener failed', err),
    });
    this.emitLog = throttle(() => this.flushLog(), 100);
    this.persist = throttle(() => this.persistNow(), PERSIST_EVERY_MS);
    this.client.on('state', (c) => this.onState(c));
    this.client.on('frame', (f) => this.onFrame(f));
    this.client.on('settled', ({ id, outcome }) => this.onSettled(id, outcome));
    this.client.on('rtt', (ms) => opts.emit('rtt', { at: Date.now(), rttMs: ms }));
    this.client.on('welcome', (w) => {
      if (!this.closed && w.joinCode) opts.onJoinCode?.(w.joinCode);
    });
    // A newly journaled action goes out at once while connected.
    this.unsubscribeJournal = opts.journal.onChange((c) => {
      if (c.kind === 'enqueued') this.client.flush();
    });
  }

  /** Subscribes (resuming from the seed when there is one) and connects. */
  start(): void {
    const seed = this.opts.seed;
    if (seed && seed.doc !== undefined) this.client.seedView('staff', { doc: seed.doc, serial: seed.serial, epoch: seed.epoch });
    this.client.view('staff', (doc, meta) => this.onView(doc, meta));
    this.client.stats((f) => {
      this.opts.onStats?.(f);
      this.opts.emit('stats', f);
    });
    this.client.connect();
  }

  get status(): ApiLinkStatus {
    return { ...this.current, hubUrls: [...this.current.hubUrls] };
  }

  get view(): MirrorState | null {
    return this.client.viewState('staff');
  }

  /** Whether the hub's per-entry log stream is subscribed now. */
  get logStreaming(): boolean {
    return this.logOff !== null;
  }

  /**
   * Subscribes the per-entry log stream while a screen shows the log, and drops it when none does
   * (issue 15.3: nothing on the Live or Run screens needs every vote). A new subscription starts
   * LOG_KEEP entries back, so an opened log screen shows the recent past at once.
   */
  setLogStream(on: boolean): void {
    this.logWanted = on;
    if (on) this.subscribeLog();
    else this.unsubscribeLog();
  }

  private subscribeLog(): void {
    const v = this.view;
    if (this.closed || this.logOff || !v) return; // without a view: at the first one (onView)
    this.log = [];
    this.unsentLog = [];
    // Only the recent log: a console joining a long event must not download all of it.
    this.logOff = this.client.log((entries) => this.onLog(entries), { since: Math.max(0, v.serial - LOG_KEEP), epoch: v.epoch });
  }

  private unsubscribeLog(): void {
    const off = this.logOff;
    this.logOff = null;
    off?.();
    this.emitLog.cancel();
    this.log = [];
    this.unsentLog = [];
  }

  recentLog(limit = LOG_KEEP): WireEntry[] {
    return this.log.slice(-Math.min(limit, LOG_KEEP));
  }

  /** One page of the event's log from the hub (P17); rejects when not connected or unanswered. */
  readLog(from: number, limit: number): Promise<HistoryFrame> {
    const run = (): Promise<HistoryFrame> =>
      new Promise<HistoryFrame>((resolve, reject) => {
        const done = (err: Error | null, page?: HistoryFrame): void => {
          clearTimeout(timer);
          offFrame();
          offState();
          if (err) reject(err);
          else resolve(page as HistoryFrame);
        };
        const offFrame = this.client.on('frame', (f) => f.t === 'history' && done(null, f));
        const offState = this.client.on('state', (c) => c.state !== 'connected' && done(new Error('the link to the hub dropped')));
        const timer = setTimeout(() => done(new Error(`the hub did not answer a history request within ${HISTORY_TIMEOUT_MS / 1000} s`)), HISTORY_TIMEOUT_MS);
        if (this.closed || !this.client.send({ t: 'history', from, limit })) done(new Error('not connected to the hub'));
      });
    const p = this.historyChain.then(run, run);
    this.historyChain = p.catch(() => undefined);
    return p;
  }

  setHubUrls(urls: string[]): void {
    this.hubUrls = [...urls];
    this.current = { ...this.current, hubUrls: [...urls] };
    this.opts.emit('status', this.status);
    this.client.setUrls(urls); // from disconnected/suspended: try the new list now
  }

  /** Stops sending and closes the socket; unsent actions stay in the journal. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeJournal();
    this.unsubscribeLog();
    this.client.close();
    this.emitLog.cancel();
    this.persist.cancel();
    this.persistNow();
  }

  private now(): number {
    return this.clock ? this.clock.now() : performance.now();
  }

  // ---- client events ----------------------------------------------------------------

  private onState(c: StateChange): void {
    if (this.closed && c.state !== 'closed') return;
    const status = this.client.status;
    const welcome = c.state === 'connected' ? status.welcome : null;
    if (c.previous === 'connected' && c.state !== 'connected') {
      this.sentAt.clear();
      this.persist.cancel();
      this.persistNow(); // a good moment: the view is as fresh as it will get for a while
    }
    this.current = {
      state: c.state,
      hubUrl: c.hubUrl,
      hubUrls: [...this.hubUrls],
      attempt: c.attempt,
      retryAt: c.retryInMs !== undefined ? Date.now() + c.retryInMs : null,
      reason: c.reason ?? null,
      clockOffsetMs: Math.round(status.clockOffsetMs ?? 0),
      node: welcome?.node ?? this.current.node,
    };
    this.opts.emit('status', this.status);
    if (c.state === 'failed') this.opts.emit('notice', { level: 'error', message: `The hub refused this console: ${c.reason ?? 'no reason given'}. Join again with a new token.` });
  }

  private onView(doc: unknown, meta: ViewMeta): void {
    // A seeded state (no frame) is what the renderer reads with view/get; only changes are events.
    if (this.closed || !meta.frame) return;
    // Each change reaches the renderer once: the patch when one was applied, else the state.
    this.opts.emit('sync', toSyncEvent(doc, meta));
    this.persist();
    if (this.logWanted && !this.logOff) this.subscribeLog();
  }

  private onSettled(id: string, outcome: { ok: true; ack: { id: string } } | { ok: false; nack: { code: string; message: string } }): void {
    const at = this.sentAt.get(id);
    this.sentAt.delete(id);
    if (outcome.ok) {
      if (at !== undefined) this.opts.emit('ack', { at: Date.now(), ms: Math.max(0, Math.round(this.now() - at)) });
    } else {
      this.opts.emit('notice', { level: 'warning', message: `The hub refused an action (${outcome.nack.code}): ${outcome.nack.message}` });
    }
  }

  private onFrame(f: HubFrame): void {
    if (this.closed) return;
    if (f.t === 'error') this.onError(f);
  }

  private onLog(entries: WireEntry[]): void {
    if (this.opts.logWanted && !this.opts.logWanted()) {
      this.setLogStream(false); // the last watch lapsed
      return;
    }
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
      // The client resends those pubs, same ids, after a pause (P14, P34).
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
