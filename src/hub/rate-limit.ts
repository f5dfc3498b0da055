/** Rate limits (P6 per address, P24 per connection): the one token bucket (src/shared/client/token-bucket.ts). Time is passed in. */
import { TokenBucket } from '../shared/client/token-bucket';
import { LruMap } from '../shared/lru';

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

/**
 * Per-key buckets (P6 join per remote address, P24 per clientId), at most `maxKeys` of them: the
 * least recently used key is forgotten first (it starts again with a full bucket, as an idle one
 * did). The sweep this replaced ran over every key on each new one once 50,000 were less than a
 * minute old, so a peer with many addresses (an IPv6 /64) made every join cost 50,000 steps and
 * the map grow past any bound (note 58).
 */
export class KeyedLimiter {
  private readonly buckets: LruMap<string, TokenBucket>;

  constructor(
    private readonly perSec: number,
    private readonly burst: number,
    maxKeys = 50_000,
  ) {
    this.buckets = new LruMap(maxKeys);
  }

  get size(): number {
    return this.buckets.size;
  }

  take(key: string, now: number): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new TokenBucket(this.perSec, this.burst, now)));
    return bucket.take(now);
  }
}
