/**
 * One view (`staff` or `audience`) of one event: computes the view once per tick, keeps a ring
 * of recent view states by serial, and writes the same pre-encoded sync frame to every
 * subscriber at the same base (P18, P19, DESIGN.md "serialised once per view per tick").
 *
 * Backpressure: a subscriber whose socket has more than HIGH_WATER bytes queued is skipped
 * (its state conflates: next time it gets one patch from its own base). One that stays above
 * the mark for STUCK_MS is closed with 4009 (docs/protocol-notes.md).
 */
import { diff } from '../shared/json-patch';
import type { SyncView } from '../shared/protocol';
import type { Subscriber } from './subscriber';
import { prepareFrame, type PreparedFrame } from './ws/prepared-frame';

export const HIGH_WATER_BYTES = 1 << 20; // 1 MiB queued per socket
export const STUCK_MS = 30_000;
export const RING_SIZE = 1_200; // 2 minutes of changes at 10 Hz

interface SubState {
  serial: number;
  stuckSince: number;
}

export interface ViewFlushResult {
  sent: number;
  skipped: number;
}

export class ViewChannel<V extends object> {
  private ring = new Map<number, V>();
  private cur: { serial: number; view: V } | null = null;
  private readonly subs = new Map<Subscriber, SubState>();
  private laggers = 0;
  private checkedSerial = -1;

  constructor(
    readonly view: SyncView,
    private readonly select: () => V,
    private readonly epoch: () => string,
    private readonly appliedSerial: () => number,
    /** The view at an older serial the ring does not hold (rebuilt from a retained state), if any. */
    private readonly viewAt: (serial: number) => V | undefined = () => undefined,
  ) {}

  get subscriberCount(): number {
    return this.subs.size;
  }

  get current(): { serial: number; view: V } {
    this.advance();
    return this.cur as { serial: number; view: V };
  }

  /** Recomputes the view if the log moved on; records a ring point when it changed. */
  private advance(): void {
    const serial = this.appliedSerial();
    if (serial === this.checkedSerial) return;
    this.checkedSerial = serial;
    const next = this.select();
    // An entry that does not change this view (a pending question in the audience view) adds no point.
    if (this.cur && (this.cur.view === next || diff(this.cur.view, next).length === 0)) return;
    this.cur = { serial, view: next };
    this.ring.set(serial, next);
    if (this.ring.size > RING_SIZE) {
      const oldest = this.ring.keys().next().value;
      if (oldest !== undefined) this.ring.delete(oldest);
    }
    if (this.subs.size) this.laggers = this.subs.size;
  }

  /** P18: a snapshot, or a patch from `since` when the epoch matches and the ring still holds it. */
  subscribe(sub: Subscriber, since?: number, epoch?: string): void {
    const cur = this.current;
    const from = since !== undefined && epoch === this.epoch() && since <= cur.serial ? (this.ring.get(since) ?? this.viewAt(since)) : undefined;
    const frame = this.frameFrom(from === undefined ? undefined : { serial: since as number, view: from }, cur);
    this.subs.set(sub, { serial: cur.serial, stuckSince: 0 });
    sub.sendRaw(frame, 'sync');
  }

  unsubscribe(sub: Subscriber): void {
    this.subs.delete(sub);
  }

  has(sub: Subscriber): boolean {
    return this.subs.has(sub);
  }

  /** One tick: every subscriber not at the current serial gets one frame from its own base. */
  flush(now: number): ViewFlushResult {
    this.advance();
    const result = { sent: 0, skipped: 0 };
    if (this.laggers === 0 || !this.cur) return result;
    const cur = this.cur;
    const cache = new Map<number | undefined, PreparedFrame>();
    let behind = 0;
    for (const [sub, st] of this.subs) {
      if (st.serial === cur.serial) continue;
      if (sub.bufferedAmount() > HIGH_WATER_BYTES) {
        behind++;
        result.skipped++;
        if (!st.stuckSince) st.stuckSince = now;
        else if (now - st.stuckSince > STUCK_MS) sub.closeSlow(`sync backlog above ${HIGH_WATER_BYTES} bytes for ${STUCK_MS / 1000} s`);
        continue;
      }
      const baseView = this.ring.get(st.serial);
      const base = baseView === undefined ? undefined : st.serial;
      let frame = cache.get(base);
      if (!frame) {
        frame = prepareFrame(this.frameFrom(baseView === undefined ? undefined : { serial: st.serial, view: baseView }, cur));
        cache.set(base, frame);
      }
      if (sub.sendPrepared(frame)) result.sent++;
      st.serial = cur.serial;
      st.stuckSince = 0;
    }
    this.laggers = behind;
    return result;
  }

  private frameFrom(base: { serial: number; view: V } | undefined, cur: { serial: number; view: V }): Buffer {
    const epoch = this.epoch();
    if (base === undefined) {
      return Buffer.from(JSON.stringify({ t: 'sync', view: this.view, epoch, serial: cur.serial, snapshot: cur.view }));
    }
    const patch = base.serial === cur.serial ? [] : diff(base.view, cur.view);
    return Buffer.from(JSON.stringify({ t: 'sync', view: this.view, epoch, base: base.serial, serial: cur.serial, patch }));
  }
}
