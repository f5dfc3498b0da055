/**
 * P34: when storage refuses a write (disk full, an I/O error, Redis down) the engine keeps
 * trying by itself, so an event serves publishes again as soon as the store takes writes,
 * without a restart. One Retrier per store: `fail()` opens an outage; a repair attempt runs
 * after each full-jitter delay (the project's one backoff, src/shared/client/backoff.ts) until
 * one succeeds. While the outage lasts, callers refuse at once with `error()` instead of
 * touching a store that just failed; the delay grows only while repairs keep failing and starts
 * over after a write succeeds.
 */
import { fullJitterDelay, type BackoffOptions } from '../../shared/client/backoff';
import { EngineError } from './engine-error';

export const STORAGE_BACKOFF: BackoffOptions = { baseMs: 50, capMs: 2_000 };

export interface OutageInfo {
  /** What failed, for /v1/health and logs. */
  reason: string;
  since: number;
  /** Repair attempts that failed so far. */
  attempts: number;
}

/** An I/O error without the paths Node puts in its message: /v1/health is public. */
export function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string') return e.syscall ? `${e.code} on ${e.syscall}` : e.code;
  return err instanceof Error ? err.message : String(err);
}

export class Retrier {
  private outage: OutageInfo | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Failures in a row, across outages: a store that fails right after each repair backs off further. */
  private streak = 0;

  constructor(
    private readonly repair: () => Promise<void>,
    private readonly opts: { backoff?: BackoffOptions; random?: () => number; onChange?: (o: OutageInfo | null) => void } = {},
  ) {}

  get current(): OutageInfo | null {
    return this.outage;
  }

  /** The refusal callers answer with while an outage lasts; null when the store is usable. */
  error(): EngineError | null {
    const o = this.outage;
    return o ? new EngineError('unavailable', `storage is refusing writes (${o.reason}); retrying, send again with the same id`) : null;
  }

  /** A write failed: refuse until a repair succeeds. */
  fail(reason: string): void {
    if (this.stopped) return;
    this.streak++;
    if (this.outage) {
      this.outage.reason = reason;
      return;
    }
    this.outage = { reason, since: Date.now(), attempts: 0 };
    this.opts.onChange?.(this.outage);
    this.schedule();
  }

  /** A write succeeded: the next outage starts from the shortest delay again. */
  succeeded(): void {
    this.streak = 0;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    const delay = fullJitterDelay(this.streak - 1, this.opts.random ?? Math.random, this.opts.backoff ?? STORAGE_BACKOFF);
    this.timer = setTimeout(() => void this.attempt(), delay);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    this.timer = null;
    if (this.stopped || !this.outage) return;
    try {
      await this.repair();
    } catch (err) {
      if (this.stopped || !this.outage) return;
      this.outage.attempts++;
      this.outage.reason = `retry failed: ${describeIoError(err)}`;
      this.streak++;
      this.schedule();
      return;
    }
    if (this.stopped) return;
    this.outage = null;
    this.opts.onChange?.(null);
  }
}
