/**
 * A log-linear latency histogram (HDR-style, ~1.5% relative error) for p50/p99 without
 * keeping samples. Pure: used by the hub's stats, the console's RTT, and the benchmarks.
 */
const SUB_BUCKETS = 64; // per power of two

export class Histogram {
  private counts = new Map<number, number>();
  private n = 0;
  private sum = 0;
  private minV = Infinity;
  private maxV = -Infinity;

  /** Records `value` `times` times (a count per bucket, e.g. P27's clients per serial). */
  record(value: number, times = 1): void {
    if (!Number.isFinite(value) || value < 0 || !(times > 0)) return;
    const key = Histogram.bucketOf(value);
    this.counts.set(key, (this.counts.get(key) ?? 0) + times);
    this.n += times;
    this.sum += value * times;
    if (value < this.minV) this.minV = value;
    if (value > this.maxV) this.maxV = value;
  }

  merge(other: Histogram): void {
    for (const [k, c] of other.counts) this.counts.set(k, (this.counts.get(k) ?? 0) + c);
    this.n += other.n;
    this.sum += other.sum;
    this.minV = Math.min(this.minV, other.minV);
    this.maxV = Math.max(this.maxV, other.maxV);
  }

  get count(): number {
    return this.n;
  }
  get mean(): number {
    return this.n ? this.sum / this.n : 0;
  }
  get max(): number {
    return this.n ? this.maxV : 0;
  }
  get min(): number {
    return this.n ? this.minV : 0;
  }

  /** Value at quantile q in [0,1]; 0 when empty. */
  quantile(q: number): number {
    if (this.n === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.n));
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const k of keys) {
      seen += this.counts.get(k) ?? 0;
      if (seen >= target) return Math.min(this.maxV, Math.max(this.minV, Histogram.valueOf(k)));
    }
    return this.maxV;
  }

  reset(): void {
    this.counts.clear();
    this.n = 0;
    this.sum = 0;
    this.minV = Infinity;
    this.maxV = -Infinity;
  }

  toJSON(): { count: number; p50: number; p90: number; p99: number; max: number; mean: number } {
    return { count: this.n, p50: this.quantile(0.5), p90: this.quantile(0.9), p99: this.quantile(0.99), max: this.max, mean: this.mean };
  }

  /** Serialisable form, to merge histograms across worker threads. */
  dump(): Array<[number, number]> {
    return [...this.counts.entries()];
  }
  static load(pairs: Array<[number, number]>): Histogram {
    const h = new Histogram();
    for (const [k, c] of pairs) {
      h.counts.set(k, (h.counts.get(k) ?? 0) + c);
      h.n += c;
      const v = Histogram.valueOf(k);
      h.sum += v * c;
      h.minV = Math.min(h.minV, v);
      h.maxV = Math.max(h.maxV, v);
    }
    return h;
  }

  // Values below 1 are kept at 1/1000 resolution by scaling: the unit is a microsecond of a ms.
  private static bucketOf(value: number): number {
    const v = Math.max(1, Math.round(value * 1000));
    const exp = Math.floor(Math.log2(v));
    if (exp < 6) return v; // exact for tiny values
    const sub = Math.floor((v / 2 ** exp - 1) * SUB_BUCKETS);
    return 64 + (exp - 6) * SUB_BUCKETS + sub;
  }
  private static valueOf(key: number): number {
    if (key < 64) return key / 1000;
    const exp = Math.floor((key - 64) / SUB_BUCKETS) + 6;
    const sub = (key - 64) % SUB_BUCKETS;
    return (2 ** exp * (1 + (sub + 0.5) / SUB_BUCKETS)) / 1000;
  }
}
