/**
 * P27: what the audience actually shows. Each audience connection's latest `at` report is one
 * number; the tracker keeps a count per reported serial (room and stream viewers apart, since a
 * stream viewer's "current" is the delayed state), so a report costs two map updates and the
 * once-a-second summary walks the distinct serials, never every connection, and nothing happens
 * per frame sent.
 */
import { Histogram } from '../shared/histogram';
import type { DeliveryStats } from '../shared/protocol';
import type { ViewRing } from './view-ring';

export interface CueOpening {
  /** Poll or quiz id. */
  id: string;
  /** Serial of the entry that opened the poll (or the quiz's current question). */
  serial: number;
}

export interface DeliveryTargets {
  now: number;
  /** The audience view's current serial (room viewers). */
  current: number;
  /** The serial stream viewers should be at (P30), and how far behind now they are meant to be. */
  streamTarget: number;
  delayMs: number;
  subscribers: number;
  cues: readonly CueOpening[];
}

export class DeliveryTracker {
  private readonly reports = new Map<object, { serial: number; stream: boolean }>();
  private readonly room = new Map<number, number>();
  private readonly stream = new Map<number, number>();

  /** Only the latest report per connection matters. */
  report(who: object, serial: number, stream: boolean): void {
    this.forget(who);
    this.reports.set(who, { serial, stream });
    const m = stream ? this.stream : this.room;
    m.set(serial, (m.get(serial) ?? 0) + 1);
  }

  forget(who: object): void {
    const r = this.reports.get(who);
    if (!r) return;
    this.reports.delete(who);
    const m = r.stream ? this.stream : this.room;
    const n = (m.get(r.serial) ?? 0) - 1;
    if (n > 0) m.set(r.serial, n);
    else m.delete(r.serial);
  }

  get reported(): number {
    return this.reports.size;
  }

  summary<V>(ring: ViewRing<V>, t: DeliveryTargets): DeliveryStats {
    const lag = new Histogram();
    let atCurrent = 0;
    const cues: Record<string, number> = {};
    for (const c of t.cues) cues[c.id] = 0;
    const visit = (buckets: Map<number, number>, target: number, viewerNow: number): void => {
      for (const [serial, count] of buckets) {
        if (serial >= target) {
          atCurrent += count;
          lag.record(0, count);
        } else {
          const since = ring.staleSince(serial);
          lag.record(since === undefined ? 0 : Math.max(0, viewerNow - since), count);
        }
        for (const c of t.cues) if (serial >= c.serial) cues[c.id] = (cues[c.id] ?? 0) + count;
      }
    };
    visit(this.room, t.current, t.now);
    visit(this.stream, t.streamTarget, t.now - t.delayMs);
    return {
      subscribers: t.subscribers,
      reported: this.reports.size,
      current: t.current,
      atCurrent,
      lagMs: { p50: Math.round(lag.quantile(0.5)), p99: Math.round(lag.quantile(0.99)) },
      cues,
    };
  }
}
