/**
 * The recent states of one view, by serial and by hub time (P19, P27, P30). Each point is a
 * view state that was current from `at` until the next point's `at`. Its P26 hash is computed
 * the first time a frame needs it and then kept with the state: once per view per tick, shared
 * by every frame that ends there (room viewers now, stream viewers later).
 */
import { stateHash } from '../shared/integrity';
import { nodeSha256Hex } from '../shared/node/sha256';

export interface ViewPoint<V> {
  readonly serial: number;
  readonly view: V;
  /** Hub time this state became current. */
  readonly at: number;
  /** Hub time the next state replaced it; undefined while it is the newest. */
  endedAt?: number;
  hash?: string;
}

export class ViewRing<V> {
  private readonly points: ViewPoint<V>[] = [];
  private readonly bySerial = new Map<number, ViewPoint<V>>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.points.length;
  }

  get latest(): ViewPoint<V> | undefined {
    return this.points[this.points.length - 1];
  }

  get oldest(): ViewPoint<V> | undefined {
    return this.points[0];
  }

  push(serial: number, view: V, at: number): ViewPoint<V> {
    const last = this.latest;
    if (last) last.endedAt = at;
    const p: ViewPoint<V> = { serial, view, at };
    this.points.push(p);
    this.bySerial.set(serial, p);
    if (this.points.length > this.capacity) {
      const gone = this.points.shift();
      if (gone) this.bySerial.delete(gone.serial);
    }
    return p;
  }

  get(serial: number): ViewPoint<V> | undefined {
    return this.bySerial.get(serial);
  }

  /** P30: the newest state that was current at hub time `t`, or the oldest held when none was yet. */
  currentAt(t: number): ViewPoint<V> | undefined {
    return this.points[Math.max(0, lastAtMost(this.points, t, (p) => p.at))];
  }

  /**
   * P27: when a client at `serial` fell behind, i.e. the hub time its state stopped being current
   * (undefined: it is still current). A serial older than the ring is at least as old as the oldest
   * point held.
   */
  staleSince(serial: number): number | undefined {
    const first = this.points[0];
    if (!first) return undefined;
    if (serial < first.serial) return first.at;
    return this.points[lastAtMost(this.points, serial, (p) => p.serial)]?.endedAt;
  }
}

/** Index of the last element whose key is <= `bound` in an array sorted by key; -1 when none is. */
function lastAtMost<T>(xs: readonly T[], bound: number, key: (x: T) => number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key(xs[mid] as T) <= bound) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The point's P26 hash, computed on first use. */
export function hashOf<V>(p: ViewPoint<V>): string {
  p.hash ??= stateHash(p.view, nodeSha256Hex);
  return p.hash;
}
