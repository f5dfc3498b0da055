/**
 * One event on this hub node: folds the engine's log into state (DESIGN.md: state is a pure
 * fold of the log), acks a publish only once this node's state has applied it (read your
 * writes, P12, P16), and drives the event's views, self frames and log stream at syncHz.
 */
import { audienceView, BatchFold, hubTimers, HUB_CLIENT_ID, initialState, selfView, staffView, STATE_VERSION, type EventState, type HubTimer } from '../shared/domain';
import type { AudienceView, LogEntry, StaffView } from '../shared/domain/types';
import { pforEach } from '../shared/domain/pmap';
import type { DeliveryStats, WireEntry } from '../shared/protocol';
import type { CueOpening } from './delivery-tracker';
import { DEFAULT_SNAPSHOTS, snapshotDue, type AppendInput, type Engine, type EventMeta, type SnapshotPolicy } from './engine/engine';
import { NotAppliedWindow, Refolder } from './not-applied';
import { CHECKPOINT_EVERY, RecentStates } from './recent-states';
import type { Subscriber } from './subscriber';
import { ViewChannel } from './view-channel';

export interface PublishOutcome {
  serial: number;
  applied: boolean;
  reason?: string;
  dup: boolean;
}

interface LogSub {
  sub: Subscriber;
  serial: number;
  catchingUp: boolean;
}

// Entries that can change what many audience members see of themselves (rank, own question's status).
const BROAD_SELF = new Set(['quiz.reveal', 'quiz.next', 'quiz.end', 'question.moderate', 'poll.create', 'hub.reset']);
const PRESENCE_EVERY_MS = 1_000;
/**
 * While the audience count keeps moving (a reconnect storm: thousands leaving and coming back),
 * a presence entry waits until the count holds for one round, or this long since the last one:
 * each entry is a patch to every phone, and a storm's would be one a second.
 */
const PRESENCE_CHURN_MS = 5_000;
/**
 * Serials whose states are kept for resume (P18): after a restart the view ring is empty, but a
 * client holding a recent serial can still get a patch from the view rebuilt from that state
 * (recent-states.ts: folded on demand from a checkpoint).
 */
const RETAINED_STATES = 256;
/**
 * Issue 18: the state snapshot's payload format, and the schema the engine checks (a change of
 * either, or of the state's own STATE_VERSION, makes older snapshots ignored: the log is folded).
 */
const SNAPSHOT_FORMAT = 1;
export const STATE_SNAPSHOT_SCHEMA = STATE_VERSION * 1000 + SNAPSHOT_FORMAT;

interface StatePayload {
  format: number;
  eventId: string;
  serial: number;
  state: EventState;
  notApplied: { from: number; reasons: Array<[number, string]> };
  cueOpened: Array<[string, number]>;
}

export class EventRuntime {
  /**
   * The event's state, folded as one batch across engine pages until something takes the state
   * (a view, a self frame, a checkpoint): `published()` hands it out, `this.folder.peek()` only reads.
   */
  private readonly folder: BatchFold;
  private applied = 0;
  private epochValue = '';
  private readonly waiters = new Map<number, Array<() => void>>();
  private readonly recent = new RecentStates(RETAINED_STATES);
  /** The log's last serial when the event was opened: states before its last RETAINED_STATES are not kept. */
  private recoveringTo = 0;
  /** P14's original outcomes: recent ones remembered, older ones folded again on demand. */
  private readonly notApplied: NotAppliedWindow;
  private readonly refolder: Refolder;
  /** performance.now() of the last attach, detach or publish (the hub unloads idle runtimes). */
  private lastActivity = performance.now();
  /** P27: serial of the entry that opened each poll, or the current question of each quiz. */
  private readonly cueOpened = new Map<string, number>();
  private readonly staff: ViewChannel<StaffView>;
  private readonly audience: ViewChannel<AudienceView>;
  private readonly selfSubs = new Map<Subscriber, string>();
  private readonly dirtyClients = new Set<string>();
  private allDirty = false;
  private readonly logSubs = new Set<LogSub>();
  private readonly members = new Set<Subscriber>();
  private pending: Array<{ input: AppendInput; resolve: (o: PublishOutcome) => void; reject: (e: unknown) => void }> = [];
  private flushScheduled = false;
  /** Batches on their way to the engine and back (acks not sent yet). */
  private flushing = 0;
  private stopTail: (() => void) | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  /** Leading-edge sync (issue 18): when the last frame went out, and whether an edge tick is queued. */
  private lastSentAt = -Infinity;
  private edgeQueued = false;
  private presenceTimer: NodeJS.Timeout | null = null;
  /** The cluster's audience count at the previous presence round, and when the last presence entry went in. */
  private lastPresenceSample = -1;
  private lastPresenceAt = -Infinity;
  private clusterAudienceValue = 0;
  private closed = false;
  /** P28: the one hub timer armed (the soonest), and the one whose entry is on its way to the log. */
  private timer: { id: string; at: number; handle: NodeJS.Timeout } | null = null;
  private firing: string | null = null;
  /** Issue 18: serial folded when the last state snapshot was taken, when, and the write in flight. */
  private snapFolded = 0;
  private snapAt = performance.now();
  private snapshotting: Promise<void> | null = null;
  private restoredFromValue = 0;
  /** Serial of the newest state snapshot written or opened from. */
  private snapSerial = 0;

  private constructor(
    private readonly engine: Engine,
    readonly meta: EventMeta,
    private readonly opts: {
      node: string;
      syncHz: number;
      onFanout?: (view: string, ms: number, sent: number) => void;
      onError: (err: unknown) => void;
      /** The engine lost this event's log (a new epoch) or the event: the hub must drop this runtime. */
      onEnded: (rt: EventRuntime, reason: string) => void;
      /** Serials whose not-applied reasons stay in memory (default NOT_APPLIED_WINDOW). */
      notAppliedWindow?: number;
      /** When state snapshots are written (issue 18; default DEFAULT_SNAPSHOTS). */
      snapshots?: SnapshotPolicy;
      /** A stored state ignored or not written, and why (the event carries on). */
      notice?: (message: string) => void;
    },
  ) {
    this.notApplied = new NotAppliedWindow(opts.notAppliedWindow);
    this.refolder = new Refolder(
      (from, limit) => engine.read(meta.eventId, from, limit),
      () => initialState({ eventId: meta.eventId, title: meta.title, createdAt: meta.createdAt }),
    );
    this.folder = new BatchFold(initialState({ eventId: meta.eventId, title: meta.title, createdAt: meta.createdAt }));
    const at = <V>(select: (s: EventState) => V) => (serial: number): V | undefined => {
      const s = this.recent.at(serial);
      return s === undefined ? undefined : select(s);
    };
    this.staff = new ViewChannel('staff', () => staffView(this.published()), () => this.epochValue, () => this.applied, { viewAt: at(staffView) });
    this.audience = new ViewChannel('audience', () => audienceView(this.published()), () => this.epochValue, () => this.applied, {
      viewAt: at(audienceView),
      delayMs: () => this.streamDelayMs,
    });
  }

  /** Opens the event: folds its whole log (rebuilding state after a restart), then goes live. */
  static async open(engine: Engine, meta: EventMeta, opts: EventRuntime['opts']): Promise<EventRuntime> {
    const rt = new EventRuntime(engine, meta, opts);
    const info = await engine.info(meta.eventId);
    rt.epochValue = info.epoch;
    rt.recoveringTo = info.lastSerial;
    if (info.lastSerial > 0) await rt.restoreSnapshot();
    rt.snapFolded = rt.applied;
    const caughtUp = info.lastSerial > 0 ? rt.appliedAt(info.lastSerial) : Promise.resolve();
    rt.stopTail = engine.tail(
      meta.eventId,
      rt.applied + 1,
      (entries) => rt.fold(entries),
      (err) => rt.ended(err.code === 'log_reset' ? 'the event log was reset; resubscribe for a snapshot' : 'the event is gone'),
    );
    await caughtUp;
    // Seed each view's ring with the recovered state: clients that held the last serial before a
    // restart resume by patch even if entries (presence) land before they are back (P18).
    void rt.staff.current;
    void rt.audience.current;
    rt.armTimer();
    rt.startTicker();
    rt.presenceTimer = setInterval(() => void rt.reportPresence().catch(opts.onError), PRESENCE_EVERY_MS);
    rt.presenceTimer.unref();
    return rt;
  }

  // ---- state snapshots (issue 18) -------------------------------------------------------

  /**
   * Starts from the engine's stored state when it matches the log: the state after serial B (a
   * published checkpoint at least RETAINED_STATES before the end when it was taken, so the
   * checkpoints for resume are rebuilt from the tail as a full fold would), P14's remembered
   * reasons and P27's cue openings. Anything that does not fit is ignored with its reason, and
   * the whole log is folded instead.
   */
  private async restoreSnapshot(): Promise<void> {
    const stored = await this.engine.loadState?.(this.meta.eventId, STATE_SNAPSHOT_SCHEMA).catch((err: unknown) => {
      this.opts.notice?.(`state snapshot unreadable, folding the whole log: ${String(err)}`);
      return null;
    });
    if (!stored) return;
    let p: StatePayload;
    try {
      p = JSON.parse(stored.payload.toString('utf8')) as StatePayload;
    } catch {
      this.opts.notice?.('state snapshot ignored, folding the whole log: payload is not JSON');
      return;
    }
    const why =
      p.format !== SNAPSHOT_FORMAT ? `format ${String(p.format)}`
      : p.eventId !== this.meta.eventId ? `it is event ${String(p.eventId)}'s`
      : p.serial !== stored.serial ? `payload serial ${String(p.serial)}, stored as ${stored.serial}`
      : p.state?.v !== STATE_VERSION ? `state version ${String(p.state?.v)}`
      : null;
    if (why) {
      this.opts.notice?.(`state snapshot ignored, folding the whole log: ${why}`);
      return;
    }
    // Parsed from the file, held by nobody else: the batch fold may write into it.
    this.folder.reset(p.state);
    this.applied = p.serial;
    this.restoredFromValue = p.serial;
    this.snapSerial = p.serial;
    this.notApplied.restore(p.serial, p.notApplied.from, p.notApplied.reasons);
    for (const [id, s] of p.cueOpened) this.cueOpened.set(id, s);
  }

  private maybeSnapshot(): void {
    // Not while opening: the reopen's fold stays one batch across pages.
    if (this.snapshotting || this.closed || !this.engine.saveState || this.applied < this.recoveringTo) return;
    if (!snapshotDue(this.opts.snapshots ?? DEFAULT_SNAPSHOTS, this.applied - this.snapFolded, performance.now() - this.snapAt)) return;
    const cp = this.recent.oldest;
    if (!cp || cp.serial <= this.snapSerial || cp.serial > this.applied - RETAINED_STATES) {
      // No checkpoint to store yet (nobody took the state lately): publish one now; it is the
      // next snapshot's base once RETAINED_STATES entries older (pruning drops the ones before).
      const last = this.recent.lastCheckpoint;
      if (last === null || last <= this.snapSerial) this.published();
      return;
    }
    this.snapshotting = this.writeSnapshot()
      .then(() => undefined)
      .finally(() => (this.snapshotting = null));
  }

  /**
   * Writes the oldest checkpoint kept for resume, once it is at least RETAINED_STATES entries old
   * (so a reopen folds at least the entries whose states resume needs, and rebuilds the same
   * checkpoints a full fold would). Checkpoints are published states, never written again.
   * JSON.stringify runs here, between two folds; the write, fsync and rename happen in the
   * engine in the background.
   */
  private async writeSnapshot(): Promise<boolean> {
    const save = this.engine.saveState?.bind(this.engine);
    const cp = this.recent.oldest;
    if (!save || !cp || cp.serial > this.applied - RETAINED_STATES || cp.serial === 0) return false;
    this.snapFolded = this.applied;
    this.snapAt = performance.now();
    const payload: StatePayload = {
      format: SNAPSHOT_FORMAT,
      eventId: this.meta.eventId,
      serial: cp.serial,
      state: cp.state,
      notApplied: this.notApplied.export(cp.serial),
      cueOpened: [...this.cueOpened],
    };
    try {
      await save(this.meta.eventId, cp.serial, STATE_SNAPSHOT_SCHEMA, Buffer.from(JSON.stringify(payload), 'utf8'));
      this.snapSerial = Math.max(this.snapSerial, cp.serial);
      return true;
    } catch (err) {
      this.opts.notice?.(`state snapshot at serial ${cp.serial} not written: ${(err as Error).message}`);
      return false;
    }
  }

  /** Takes a state snapshot now (tests, benchmarks); resolves with whether one was stored. */
  async snapshotNow(): Promise<boolean> {
    while (this.snapshotting) await this.snapshotting;
    const w = this.writeSnapshot();
    this.snapshotting = w.then(() => undefined).finally(() => (this.snapshotting = null));
    return w;
  }

  /** The serial of the state snapshot this runtime opened from (0: it folded the whole log). */
  get restoredFrom(): number {
    return this.restoredFromValue;
  }

  /** Serials of the checkpoints kept for resume (tests compare reopen paths). */
  get retainedSerials(): number[] {
    return this.recent.checkpointSerials;
  }

  /** The state after serial `serial` if resume still holds it (tests compare reopen paths). */
  stateAt(serial: number): EventState | undefined {
    return this.recent.at(serial);
  }

  /** The current state (read-only; tests compare reopen paths). */
  get currentState(): EventState {
    return this.folder.peek();
  }

  get epoch(): string {
    return this.epochValue;
  }
  get serial(): number {
    return this.applied;
  }
  get localAudience(): number {
    let n = 0;
    for (const m of this.members) if (m.role === 'audience') n++;
    return n;
  }
  /** The cluster's audience connections for this event, from the last presence round (1 s). */
  get clusterAudience(): number {
    return Math.max(this.clusterAudienceValue, this.localAudience);
  }
  get online(): number {
    return staffView(this.published()).audience.online;
  }
  /** P30: the event's stream delay setting. */
  get streamDelayMs(): number {
    return this.folder.peek().event.settings.streamDelayMs;
  }

  /**
   * The state, handed out (to views, self frames): the batch fold ends here, so nothing writes
   * into it again, and it is the newest checkpoint for resume.
   */
  private published(): EventState {
    const s = this.folder.publish();
    this.recent.checkpoint(this.applied, s);
    return s;
  }

  /** Members are told to reconnect; they will get the new epoch and a snapshot (P15). */
  private ended(reason: string): void {
    if (this.closed) return;
    void this.close();
    for (const [serial, done] of this.waiters) {
      this.waiters.delete(serial);
      for (const d of done) d();
    }
    this.opts.onEnded(this, reason);
  }

  /**
   * How long (ms) nothing has happened here: no member attached, nothing being published or
   * fired, no log stream; null while any of that is going on. The hub unloads runtimes idle
   * long enough and opens them again on demand, folding the log as after a restart.
   */
  idleMs(now = performance.now()): number | null {
    if (this.members.size || this.logSubs.size || this.pending.length || this.flushScheduled || this.flushing || this.waiters.size || this.firing !== null) return null;
    return now - this.lastActivity;
  }

  /** When the next hub timer (P28) is due (epoch ms), so an unloaded event is woken for it. */
  get nextTimerAt(): number | null {
    return this.timer?.at ?? null;
  }

  get memberList(): Subscriber[] {
    return [...this.members];
  }

  attach(sub: Subscriber): void {
    this.lastActivity = performance.now();
    this.members.add(sub);
  }

  detach(sub: Subscriber): void {
    this.lastActivity = performance.now();
    this.members.delete(sub);
    this.staff.unsubscribe(sub);
    this.audience.unsubscribe(sub);
    this.selfSubs.delete(sub);
    for (const l of this.logSubs) if (l.sub === sub) this.logSubs.delete(l);
  }

  /** P12: append (batched with whatever else arrived this turn), wait until applied here, report. */
  publish(input: AppendInput): Promise<PublishOutcome> {
    this.lastActivity = performance.now();
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => void this.flushPending());
      }
    });
  }

  private async flushPending(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.flushing++;
    try {
      const outcomes = await this.engine.append(
        this.meta.eventId,
        batch.map((b) => b.input),
      );
      await Promise.all(
        outcomes.map(async (o, i) => {
          await this.appliedAt(o.serial);
          if (this.closed && o.serial > this.applied) throw new Error('event log reset before this entry was applied');
          const remembered = this.notApplied.lookup(o.serial);
          const reason = remembered === null ? await this.refolder.reasonOf(o.serial) : remembered;
          batch[i]?.resolve({ serial: o.serial, applied: reason === undefined, ...(reason ? { reason } : {}), dup: o.dup });
        }),
      );
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.flushing--;
    }
  }

  private appliedAt(serial: number): Promise<void> {
    if (serial <= this.applied) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(serial);
      if (list) list.push(resolve);
      else this.waiters.set(serial, [resolve]);
    });
  }

  private fold(entries: LogEntry[]): void {
    const fresh: LogEntry[] = [];
    let gap: LogEntry | null = null;
    for (const entry of entries) {
      const expected = this.applied + fresh.length + 1;
      if (entry.serial === expected) fresh.push(entry);
      else if (entry.serial > expected) {
        gap = entry;
        break;
      } // else already folded (a tail may overlap)
    }
    // One batch fold across pages (BatchFold, issue 18), in place, until something takes the state:
    // a restart's whole log, a burst, or the entries between two ticks. Resume's states are
    // checkpoints (published states) and the entries after them (recent-states.ts): the first one
    // at the start of the last RETAINED_STATES serials of the log being opened, then at least
    // every CHECKPOINT_EVERY entries, and whenever a view takes the state.
    const firstCheckpoint = Math.max(0, this.recoveringTo - RETAINED_STATES);
    for (let i = 0; i < fresh.length; ) {
      const last = this.recent.lastCheckpoint;
      const due = last === null ? firstCheckpoint : last + CHECKPOINT_EVERY;
      if (due <= this.applied) {
        this.published();
        continue;
      }
      const part = fresh.slice(i, i + (due - this.applied));
      this.folder.fold(part, (entry, reason) => this.folded(entry, reason));
      this.recent.add(part);
      i += part.length;
      if (this.applied === due) this.published();
    }
    if (gap) this.opts.onError(new Error(`event ${this.meta.eventId}: gap in log, expected serial ${this.applied + 1}, got ${gap.serial}`));
    if (fresh.length && this.logSubs.size) this.streamLog(fresh);
    if (fresh.length) {
      this.armTimer();
      this.leadingEdge();
      this.maybeSnapshot();
    }
  }

  /** Bookkeeping for one folded entry, in serial order (`reason` null: applied). */
  private folded(entry: LogEntry, reason: string | null): void {
    this.notApplied.note(entry.serial, reason);
    if (reason === null && (entry.name === 'poll.open' || entry.name === 'quiz.next')) this.noteCueOpened(entry);
    this.applied = entry.serial;
    if (BROAD_SELF.has(entry.name)) this.allDirty = true;
    else this.dirtyClients.add(entry.clientId);
    const done = this.waiters.get(entry.serial);
    if (done) {
      this.waiters.delete(entry.serial);
      for (const d of done) d();
    }
  }

  private get tickMs(): number {
    return Math.max(10, Math.round(1000 / this.opts.syncHz));
  }

  private startTicker(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = setInterval(() => this.tick(), this.tickMs);
    this.tickTimer.unref();
  }

  /**
   * A change after a quiet spell goes out at once instead of waiting for the next tick; the
   * ticker restarts from this send, so frames stay at least a tick apart and P19's syncHz
   * bound holds while changes keep coming (they conflate on the ticker as before).
   */
  private leadingEdge(): void {
    if (this.edgeQueued || this.closed || performance.now() - this.lastSentAt < this.tickMs) return;
    this.edgeQueued = true;
    // setImmediate: the rest of this turn's entries (one engine batch) go out in the same frame.
    setImmediate(() => {
      this.edgeQueued = false;
      if (this.closed || performance.now() - this.lastSentAt < this.tickMs) return;
      this.startTicker();
      this.tick();
      // Even when it sent nothing (the change did not touch a subscribed view), one edge tick
      // per tick period at most: a flood of such entries must not recompute views per batch.
      this.lastSentAt = performance.now();
    });
  }

  // ---- P28 timers: every node running the event arms the same timer; dedupe keeps one entry ----
  private armTimer(): void {
    if (this.closed) return;
    const next = hubTimers(this.folder.peek()).find((t) => t.id !== this.firing);
    if (this.timer && next && this.timer.id === next.id && this.timer.at === next.at) return;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
    if (!next) return;
    const delay = Math.min(Math.max(0, next.at - Date.now()), 2 ** 31 - 1);
    const handle = setTimeout(() => this.fire(next), delay);
    handle.unref();
    this.timer = { id: next.id, at: next.at, handle };
  }

  private fire(t: HubTimer): void {
    this.timer = null;
    if (this.closed) return;
    this.firing = t.id;
    const input: AppendInput = { clientId: HUB_CLIENT_ID, id: t.id, name: t.name, role: 'host', author: null, data: t.data, ts: Math.max(Date.now(), t.at) };
    this.publish(input).then(
      () => {
        if (this.firing === t.id) this.firing = null;
        this.armTimer();
      },
      (err: unknown) => {
        // The engine refused for now (a Redis failover): try again shortly rather than never close.
        this.opts.onError(err);
        if (this.firing === t.id) this.firing = null;
        const retry = setTimeout(() => this.armTimer(), 1_000);
        retry.unref();
      },
    );
  }

  private noteCueOpened(entry: LogEntry): void {
    const d = entry.data as { pollId?: unknown; quizId?: unknown };
    const id = entry.name === 'poll.open' ? d.pollId : d.quizId;
    if (typeof id === 'string') this.cueOpened.set(id, entry.serial);
  }

  // ---- delivery (P27) -----------------------------------------------------------------
  reportAt(view: 'staff' | 'audience', sub: Subscriber, serial: number): void {
    // Staff report too (the console does), but P27's delivery is about the audience.
    if (view === 'audience') this.audience.reportAt(sub, serial);
  }

  /** `delivery.audience` for a stats frame: per open poll and running quiz, how many show it. */
  deliveryStats(): DeliveryStats {
    const cues: CueOpening[] = [];
    const state = this.folder.peek();
    pforEach(state.polls, (p) => {
      const serial = this.cueOpened.get(p.id);
      if (p.status === 'open' && serial !== undefined) cues.push({ id: p.id, serial });
    });
    pforEach(state.quizzes, (q) => {
      const serial = this.cueOpened.get(q.id);
      if (q.status === 'running' && serial !== undefined) cues.push({ id: q.id, serial });
    });
    return this.audience.deliveryStats(cues);
  }

  // ---- views ------------------------------------------------------------------------
  subscribeView(view: 'staff' | 'audience', sub: Subscriber, since?: number, epoch?: string): void {
    if (view === 'staff') this.staff.subscribe(sub, since, epoch);
    else {
      this.audience.subscribe(sub, since, epoch);
      // Once per connection: a repeated sub must not queue another self frame (P33).
      if (sub.role === 'audience' && !this.selfSubs.has(sub)) {
        this.selfSubs.set(sub, '');
        this.sendSelf(sub);
      }
    }
  }

  unsubscribeView(view: 'staff' | 'audience' | 'log', sub: Subscriber): void {
    if (view === 'staff') this.staff.unsubscribe(sub);
    else if (view === 'audience') {
      this.audience.unsubscribe(sub);
      this.selfSubs.delete(sub);
    } else for (const l of this.logSubs) if (l.sub === sub) this.logSubs.delete(l);
  }

  private tick(): void {
    if (this.closed) return;
    const now = Date.now();
    for (const ch of [this.staff, this.audience]) {
      if (ch.subscriberCount === 0) continue;
      const t0 = performance.now();
      const r = ch.flush(now);
      if (r.sent) {
        this.lastSentAt = performance.now();
        this.opts.onFanout?.(ch.view, this.lastSentAt - t0, r.sent); // counted once per tick, not per socket
      }
    }
    if (this.selfSubs.size && (this.allDirty || this.dirtyClients.size)) {
      for (const sub of this.selfSubs.keys()) if (this.allDirty || this.dirtyClients.has(sub.clientId)) this.sendSelf(sub);
    }
    this.allDirty = false;
    this.dirtyClients.clear();
  }

  private sendSelf(sub: Subscriber): void {
    const text = JSON.stringify(selfView(this.published(), sub.clientId));
    if (this.selfSubs.get(sub) === text) return;
    this.selfSubs.set(sub, text);
    sub.sendRaw(Buffer.from(`{"t":"self","data":${text}}`), 'self');
  }

  // ---- log stream (P17) ----------------------------------------------------------------
  subscribeLog(sub: Subscriber, since: number): void {
    for (const l of this.logSubs) if (l.sub === sub) this.logSubs.delete(l);
    const ls: LogSub = { sub, serial: Math.max(0, since), catchingUp: true };
    this.logSubs.add(ls);
    void this.catchUpLog(ls).catch(this.opts.onError);
  }

  private async catchUpLog(ls: LogSub): Promise<void> {
    while (this.logSubs.has(ls)) {
      if (ls.serial >= this.applied) {
        ls.catchingUp = false; // synchronous with the check: no entry can slip between
        return;
      }
      const entries = await this.engine.read(this.meta.eventId, ls.serial + 1, 500);
      if (!this.logSubs.has(ls)) return;
      const fresh = entries.filter((e) => e.serial > ls.serial && e.serial <= this.applied);
      if (fresh.length === 0) {
        if (ls.serial >= this.applied) continue;
        this.opts.onError(new Error(`log catch-up stalled at serial ${ls.serial}`));
        return;
      }
      ls.sub.sendRaw(Buffer.from(JSON.stringify({ t: 'log', entries: fresh.map(toWire) })), 'log');
      ls.serial = fresh[fresh.length - 1]?.serial ?? ls.serial;
    }
  }

  private streamLog(entries: LogEntry[]): void {
    let frame: Buffer | null = null;
    for (const ls of this.logSubs) {
      if (ls.catchingUp) continue;
      const first = entries[0]?.serial ?? 0;
      if (ls.serial + 1 !== first) continue;
      frame ??= Buffer.from(JSON.stringify({ t: 'log', entries: entries.map(toWire) }));
      ls.sub.sendRaw(frame, 'log');
      ls.serial = entries[entries.length - 1]?.serial ?? ls.serial;
    }
  }

  async history(from: number, limit: number): Promise<{ entries: WireEntry[]; next: number | null }> {
    const entries = (await this.engine.read(this.meta.eventId, Math.max(1, from), limit)).filter((e) => e.serial <= this.applied);
    const last = entries[entries.length - 1]?.serial;
    const next = last !== undefined && last < this.applied ? last + 1 : null;
    return { entries: entries.map(toWire), next };
  }

  // ---- presence ----------------------------------------------------------------------
  private async reportPresence(): Promise<void> {
    if (this.closed) return;
    await this.engine.reportPresence(this.meta.eventId, { node: this.opts.node, online: this.localAudience, connections: this.members.size });
    const samples = await this.engine.presence(this.meta.eventId);
    const total = samples.reduce((s, p) => s + p.online, 0);
    this.clusterAudienceValue = total;
    const settled = total === this.lastPresenceSample;
    this.lastPresenceSample = total;
    if (total === this.online || this.closed) return;
    if (!settled && performance.now() - this.lastPresenceAt < PRESENCE_CHURN_MS) return;
    this.lastPresenceAt = performance.now();
    // Presence lives in the log so every view stays a pure function of its serial.
    const second = Math.floor(Date.now() / 1000);
    await this.publish({ clientId: 'hub', id: `presence:${second}`, name: 'hub.presence', role: 'host', author: null, data: { online: total }, ts: Date.now() });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    if (this.timer) clearTimeout(this.timer.handle);
    if (this.pending.length) await this.flushPending();
    this.stopTail?.();
    await this.snapshotting;
  }
}

export const toWire = (e: LogEntry): WireEntry => ({
  serial: e.serial,
  clientId: e.clientId,
  id: e.id,
  name: e.name,
  data: e.data,
  ts: e.ts,
  role: e.role,
  author: e.author ?? null,
  ...(e.rttMs !== undefined ? { rttMs: e.rttMs } : {}),
  ...(e.watching !== undefined ? { watching: e.watching } : {}),
});
