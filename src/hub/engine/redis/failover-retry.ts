/**
 * P34 through a Redis failover: an append in flight is retried with the same ids (P14 makes
 * that safe) until Redis takes writes again or `windowMs` passed, with the project's
 * full-jitter backoff. Once the primary is known to be down (its connection failed, or an
 * append came back unavailable), new appends are refused at once while those in flight find
 * out when it is back: the hub answers `error unavailable` and the client sends again later,
 * instead of every pub piling up behind an outage. The first success ends the outage.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { fullJitterDelay } from '../../../shared/client/backoff';
import { EngineError, isEngineError } from '../engine-error';

/** Short: a Sentinel failover takes a few seconds, and a client is waiting for its ack. */
const FAILOVER_BACKOFF = { baseMs: 100, capMs: 1_000 };

export class FailoverRetry {
  /** Appends running now (first tries and retries). */
  private running = 0;
  /** The primary failed (a connection error or an unavailable append) and no append succeeded since. */
  private down = false;

  constructor(
    private readonly windowMs: number,
    private readonly isOpen: () => boolean,
    private readonly random: () => number = Math.random,
  ) {}

  get isDown(): boolean {
    return this.down;
  }

  /** The connection to the primary reported an error: appends in flight will tell whether it is an outage. */
  markDown(): void {
    if (this.windowMs > 0) this.down = true;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.windowMs <= 0) return fn();
    // Appends in flight are finding out when the primary is back; the rest are told now.
    if (this.down && this.running > 0) throw new EngineError('unavailable', 'Redis is failing over; retry with the same ids');
    const deadline = Date.now() + this.windowMs;
    this.running++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const value = await fn();
          this.down = false;
          return value;
        } catch (err) {
          if (!isEngineError(err, 'unavailable') || !this.isOpen() || Date.now() >= deadline) throw err;
          this.down = true;
          await sleep(Math.min(fullJitterDelay(attempt, this.random, FAILOVER_BACKOFF), Math.max(0, deadline - Date.now())));
        }
      }
    } finally {
      this.running--;
    }
  }
}
