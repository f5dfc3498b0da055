/**
 * Keeps the outbox under the hub's per-connection rate limit (P24: every frame counts, and
 * a `pub` over the bucket is nacked `rate_limited`, which the outbox would settle as
 * refused). A token bucket sized from the welcome's `limits.ratePerSec`, with headroom for
 * pings and subscriptions. Time is injected.
 */
export class SendPacer {
  private tokens: number;
  private last: number;
  private rate: number;
  private burst: number;

  constructor(
    private readonly now: () => number,
    ratePerSec = 150,
  ) {
    this.rate = ratePerSec;
    this.burst = Math.max(1, Math.floor(ratePerSec / 2));
    this.tokens = this.burst;
    this.last = now();
  }

  /** From the hub's limits: use 75% of its rate, a burst of half a second's worth. */
  configure(hubRatePerSec: number): void {
    this.refill();
    this.rate = Math.max(1, Math.floor(hubRatePerSec * 0.75));
    this.burst = Math.max(1, Math.floor(this.rate / 2));
    this.tokens = Math.min(this.tokens, this.burst);
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until take() can succeed. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
  }
}
