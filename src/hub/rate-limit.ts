/** Rate limits (P6 per address, P24 per connection): the one token bucket (src/shared/client/token-bucket.ts). Time is passed in. */
import { TokenBucket } from '../shared/client/token-bucket';

export { TokenBucket };

/**
 * P24's "five times over for 10 s": counts frames offered per whole second; when each of the
 * last `sustainSec` seconds saw more than `factor` times the allowed rate, the peer is flooding.
 */
export class FloodDetector {
  private second = -1;
  private count = 0;
  private overStreak = 0;

  constructor(
    private readonly perSec: number,
    private readonly factor = 5,
    private readonly sustainSec = 10,
  ) {}

  /** Returns true once the flood has lasted `sustainSec` consecutive seconds (this one included). */
  offer(now: number): boolean {
    const sec = Math.floor(now / 1000);
    const limit = this.perSec * this.factor;
    if (sec !== this.second) {
      const wasOver = this.second >= 0 && this.count > limit;
      this.overStreak = wasOver && sec === this.second + 1 ? this.overStreak + 1 : 0;
      this.second = sec;
      this.count = 0;
    }
    this.count++;
    return this.count > limit && this.overStreak + 1 >= this.sustainSec;
  }
}

/** Per-key buckets (join per remote address), forgetting idle keys so memory stays bounded. */
export class KeyedLimiter {
  private buckets = new Map<string, { bucket: TokenBucket; seen: number }>();

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
  ) {}

  take(key: string, now: number): boolean {
    let e = this.buckets.get(key);
    if (!e) {
      if (this.buckets.size > 50_000) this.sweep(now);
      e = { bucket: new TokenBucket(this.perSec, this.burst, now), seen: now };
      this.buckets.set(key, e);
    }
    e.seen = now;
    return e.bucket.take(now);
  }

  private sweep(now: number): void {
    for (const [k, e] of this.buckets) if (now - e.seen > 60_000) this.buckets.delete(k);
  }
}
