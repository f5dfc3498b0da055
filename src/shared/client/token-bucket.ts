/**
 * A token bucket: `perSec` tokens a second up to `burst`. The hub's rate limits (P6, P24), the
 * client's pacing under them and the phone's reaction cap are all this one class. Time is
 * passed in, so tests need no timers.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private perSec: number,
    private burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until take() can succeed. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.perSec) * 1000);
  }

  /** New limits, full (a welcome: the hub's bucket for a new connection starts full too). */
  configure(perSec: number, burst: number, now: number): void {
    this.perSec = Math.max(Number.MIN_VALUE, perSec);
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.last = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = Math.max(this.last, now);
    this.tokens = Math.min(this.burst, this.tokens + elapsed * this.perSec);
  }
}
