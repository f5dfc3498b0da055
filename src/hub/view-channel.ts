/**
 * One view (`staff` or `audience`) of one event: computes the view once per tick, keeps a ring
 * of recent view states by serial and time, and writes the same pre-encoded sync frame to every
 * subscriber at the same base (P18, P19, DESIGN.md "serialised once per view per tick"). Every
 * frame carries the P26 hash of the state it ends at, computed once per state (view-ring.ts).
 *
 * P30: stream viewers (token claim `wat: stream`) of the audience view are served the state that
 * was current `delayMs` ago, from the same ring (no second fold); frames to them are shared by
 * (base, target) like everyone else's, only later.
 *
 * Backpressure: a subscriber whose socket has more than HIGH_WATER bytes queued is skipped
 * (its state conflates: next time it gets one patch from its own base). One that stays above
 * the mark for STUCK_MS is closed with 4009 (docs/protocol-notes.md).
 */
import { diff } from '../shared/json-patch';
import type { DeliveryStats, SyncView } from '../shared/protocol';
import { DeliveryTracker, type CueOpening } from './delivery-tracker';
import type { Subscriber } from './subscriber';
import { hashOf, ViewRing, type ViewPoint } from './view-ring';
import { prepareFrame, type PreparedFrame } from './ws/prepared-frame';

export const HIGH_WATER_BYTES = 1 << 20; // 1 MiB queued per socket
export const STUCK_MS = 30_000;
/** 2 minutes of changes at 10 Hz: covers P30's 60 s maximum delay with room to resume. */
export const RING_SIZE = 1_200;

/** P33: a `sub` arriving while more than this is queued for the socket waits for it to drain. */
export const DEFER_ANSWER_BYTES = 64 * 1024;

/** Distinct (base, target) frames kept per latest serial before the cache starts over. */
const FRAME_CACHE_MAX = 256;

interface SubState {
  serial: number;
  stuckSince: number;
}

/** A `sub` not answered yet; a repeated `sub` replaces it, so there is at most one per view. */
interface PendingAnswer {
  since: number | undefined;
  epoch: string | undefined;
  stuckSince: number;
}

export interface ViewFlushResult {
  sent: number;
  skipped: number;
}

export interface ViewChannelOptions<V> {
  /** The view at an older serial the ring does not hold (rebuilt from a retained state), if any. */
  viewAt?: (serial: number) => V | undefined;
  /** P30: how far behind stream viewers are served (0: not at all). */
  delayMs?: () => number;
  /** Hub clock (tests inject one). */
  now?: () => number;
}

type Target<V> = ViewPoint<V>;

export class ViewChannel<V extends object> {
  private readonly ring = new ViewRing<V>(RING_SIZE);
  private readonly subs = new Map<Subscriber, SubState>();
  private readonly streamSubs = new Map<Subscriber, SubState>();
  private readonly pending = new Map<Subscriber, PendingAnswer>();
  private readonly delivery = new DeliveryTracker();
  private laggers = 0;
  private checkedSerial = -1;
  /**
   * #15 item 4: each frame is serialised once per (base, target) for every subscriber, answers
   * included (a reconnect storm resumes thousands from the same few bases). Entries are valid
   * for one epoch and one latest serial; the bound only guards pathological base spreads.
   */
  private readonly frames = new Map<string, PreparedFrame>();
  private framesFor = '';
  /** The diff advance() computed to decide the view changed, reused for the patch frame. */
  private step: { from: number; to: number; ops: ReturnType<typeof diff> } | null = null;
  private audienceSubs = 0;
  private readonly viewAt: (serial: number) => V | undefined;
  private readonly delayMs: () => number;
  private readonly now: () => number;

  constructor(
    readonly view: SyncView,
    private readonly select: () => V,
    private readonly epoch: () => string,
    private readonly appliedSerial: () => number,
    opts: ViewChannelOptions<V> = {},
  ) {
    this.viewAt = opts.viewAt ?? (() => undefined);
    this.delayMs = opts.delayMs ?? (() => 0);
    this.now = opts.now ?? Date.now;
  }

  get subscriberCount(): number {
    return this.subs.size + this.streamSubs.size + this.pending.size;
  }

  get current(): { serial: number; view: V; hash: string } {
    const p = this.point();
    return { serial: p.serial, view: p.view, hash: hashOf(p) };
  }

  private point(): ViewPoint<V> {
    this.advance();
    return this.ring.latest as ViewPoint<V>;
  }

  /** Recomputes the view if the log moved on; records a ring point when it changed. */
  private advance(): void {
    const serial = this.appliedSerial();
    if (serial === this.checkedSerial) return;
    this.checkedSerial = serial;
    const next = this.select();
    const cur = this.ring.latest;
    // An entry that does not change this view (a pending question in the audience view) adds no point.
    if (cur && cur.view === next) return;
    const ops = cur ? diff(cur.view, next) : null;
    if (cur && ops?.length === 0) return;
    this.step = cur && ops ? { from: cur.serial, to: serial, ops } : null;
    this.ring.push(serial, next, this.now());
    if (this.subs.size) this.laggers = this.subs.size;
  }

  /** P30: the state stream viewers should hold now. */
  private streamTarget(now: number): ViewPoint<V> {
    const delay = this.delayMs();
    const latest = this.point();
    return delay > 0 ? (this.ring.currentAt(now - delay) ?? latest) : latest;
  }

  private isStream(sub: Subscriber): boolean {
    return this.view === 'audience' && sub.watching === 'stream';
  }

  /**
   * P18: a snapshot, or a patch from `since` when the epoch matches and the ring still holds it.
   * A socket that has not drained what it was sent gets its answer on a later tick instead, and
   * a repeated `sub` meanwhile replaces the pending one (P33: re-subscribing cannot queue snapshots).
   */
  subscribe(sub: Subscriber, since?: number, epoch?: string): void {
    if (sub.bufferedAmount() > DEFER_ANSWER_BYTES) {
      const stuckSince = this.pending.get(sub)?.stuckSince ?? 0;
      this.unsubscribe(sub);
      this.pending.set(sub, { since, epoch, stuckSince });
      return;
    }
    this.answer(sub, since, epoch);
  }

  private answer(sub: Subscriber, since: number | undefined, epoch: string | undefined): boolean {
    this.unsubscribe(sub);
    const stream = this.isStream(sub);
    const target = stream ? this.streamTarget(this.now()) : this.point();
    const fromView = since !== undefined && epoch === this.epoch() && since <= target.serial ? (this.ring.get(since)?.view ?? this.viewAt(since)) : undefined;
    const frame = this.frameOnce(fromView === undefined ? undefined : { serial: since as number, view: fromView }, target);
    (stream ? this.streamSubs : this.subs).set(sub, { serial: target.serial, stuckSince: 0 });
    if (sub.role === 'audience') this.audienceSubs++;
    return sub.sendRaw(frame.data, 'sync');
  }

  unsubscribe(sub: Subscriber): void {
    this.pending.delete(sub);
    if (this.subs.delete(sub) || this.streamSubs.delete(sub)) {
      if (sub.role === 'audience') this.audienceSubs--;
      this.delivery.forget(sub);
    }
  }

  has(sub: Subscriber): boolean {
    return this.subs.has(sub) || this.streamSubs.has(sub);
  }

  /** P27: the serial a subscriber says it shows. Only audience connections count for delivery. */
  reportAt(sub: Subscriber, serial: number): void {
    if (sub.role !== 'audience' || !this.has(sub)) return;
    const latest = this.point();
    this.delivery.report(sub, Math.min(serial, latest.serial), this.streamSubs.has(sub));
  }

  /** P27 `delivery.audience`, for a stats frame. */
  deliveryStats(cues: readonly CueOpening[]): DeliveryStats {
    const now = this.now();
    const latest = this.point();
    return this.delivery.summary(this.ring, {
      now,
      current: latest.serial,
      streamTarget: this.streamTarget(now).serial,
      delayMs: this.delayMs(),
      subscribers: this.audienceSubs,
      cues,
    });
  }

  /** One tick: every subscriber not at its target gets one frame from its own base. */
  flush(now: number): ViewFlushResult {
    this.advance();
    const result = { sent: 0, skipped: 0 };
    const cur = this.ring.latest;
    if (!cur) return result;
    if (this.pending.size) this.answerPending(now, result);
    if (this.laggers > 0) this.laggers = this.flushGroup(this.subs, cur, now, result);
    if (this.streamSubs.size) this.flushGroup(this.streamSubs, this.streamTarget(now), now, result);
    return result;
  }

  /** P33: pending answers go out once their socket drained; one still waiting after STUCK_MS closes 4009. */
  private answerPending(now: number, result: ViewFlushResult): void {
    for (const [sub, p] of this.pending) {
      if (sub.bufferedAmount() <= DEFER_ANSWER_BYTES) {
        if (this.answer(sub, p.since, p.epoch)) result.sent++;
        continue;
      }
      result.skipped++;
      if (!p.stuckSince) p.stuckSince = now;
      else if (now - p.stuckSince > STUCK_MS) sub.closeSlow(`an answer waited ${STUCK_MS / 1000} s for the socket to drain`);
    }
  }

  /** Returns how many subscribers of the group were left behind (backpressure). */
  private flushGroup(group: Map<Subscriber, SubState>, target: Target<V>, now: number, result: ViewFlushResult): number {
    let behind = 0;
    // Almost every subscriber is at the same base: look its frame up once per base, not per socket.
    let lastBase = -1;
    let lastFrame: PreparedFrame | null = null;
    for (const [sub, st] of group) {
      // Never backwards: a stream viewer whose delay grew waits until the stream catches up.
      if (st.serial >= target.serial) continue;
      if (sub.bufferedAmount() > HIGH_WATER_BYTES) {
        behind++;
        result.skipped++;
        if (!st.stuckSince) st.stuckSince = now;
        else if (now - st.stuckSince > STUCK_MS) sub.closeSlow(`sync backlog above ${HIGH_WATER_BYTES} bytes for ${STUCK_MS / 1000} s`);
        continue;
      }
      let frame: PreparedFrame | null = lastFrame;
      if (frame === null || st.serial !== lastBase) {
        const basePoint = this.ring.get(st.serial);
        frame = this.frameOnce(basePoint === undefined ? undefined : { serial: st.serial, view: basePoint.view }, target);
        lastBase = st.serial;
        lastFrame = frame;
      }
      if (sub.sendPrepared(frame)) result.sent++;
      st.serial = target.serial;
      st.stuckSince = 0;
    }
    return behind;
  }

  /** The frame from `base` (a snapshot when undefined) to `target`, serialised once. */
  private frameOnce(base: { serial: number; view: V } | undefined, target: Target<V>): PreparedFrame {
    const validFor = `${this.epoch()}|${this.ring.latest?.serial ?? 0}`;
    if (validFor !== this.framesFor || this.frames.size >= FRAME_CACHE_MAX) {
      this.frames.clear();
      this.framesFor = validFor;
    }
    const key = `${base?.serial ?? ''}>${target.serial}`;
    let frame = this.frames.get(key);
    if (!frame) {
      frame = prepareFrame(this.frameFrom(base, target));
      this.frames.set(key, frame);
    }
    return frame;
  }

  private frameFrom(base: { serial: number; view: V } | undefined, target: Target<V>): Buffer {
    const epoch = this.epoch();
    const hash = hashOf(target);
    if (base === undefined) {
      return Buffer.from(JSON.stringify({ t: 'sync', view: this.view, epoch, serial: target.serial, snapshot: target.view, hash }));
    }
    const step = this.step;
    const patch = base.serial === target.serial ? [] : step && step.from === base.serial && step.to === target.serial ? step.ops : diff(base.view, target.view);
    return Buffer.from(JSON.stringify({ t: 'sync', view: this.view, epoch, base: base.serial, serial: target.serial, patch, hash }));
  }
}
