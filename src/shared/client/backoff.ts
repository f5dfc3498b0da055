/**
 * Retry delays, the one formula every program uses: AWS's "full jitter", a random delay in
 * [0, min(cap, base·2^attempt)), so a hall of phones dropped by one hub restart (or a hub
 * retrying its storage) never comes back in one synchronised wave.
 */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };

/** `attempt` counts from 0 (the first retry after a failure); `random` returns [0, 1). */
export function fullJitterDelay(attempt: number, random: () => number, { baseMs, capMs }: BackoffOptions = DEFAULT_BACKOFF): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(30, Math.max(0, attempt)));
  return Math.floor(Math.min(1, Math.max(0, random())) * ceiling);
}

/** P11/P31: after a 1001 or 1012 from a working connection, the next attempt comes within this (ms). */
export const HANDOVER_JITTER_MS = 1_000;
/**
 * For this long after such a close, attempts that fail still retry within the handover jitter
 * instead of backing off: the hub said it was going (a restart, a drain), so it or the next
 * one is expected back in seconds. Afterwards the usual backoff takes over.
 */
export const HANDOVER_RETRY_WINDOW_MS = 15_000;

/**
 * The shared client's wait before its next attempt (Connection; the benchmarks' load clients
 * follow it too, so a storm measures what phones do). `handover`: the hub closed a working
 * connection with 1001 (going away) or 1012 (draining), so the client moves on at once, spread
 * over `handoverJitterMs`. `sinceHandoverMs`: how long ago that close was, while no welcome has
 * come since; within HANDOVER_RETRY_WINDOW_MS failed attempts retry with full jitter capped at
 * `handoverJitterMs` (from a quarter of it), so a hall of phones is back about when a
 * restarted hub is, not up to a whole backoff interval later. Otherwise full jitter from
 * `failures`, the attempts failed since the last welcome (1 for the first retry).
 */
export function retryDelay(o: {
  handover: boolean;
  sinceHandoverMs?: number | null;
  failures: number;
  random: () => number;
  backoff?: BackoffOptions;
  handoverJitterMs?: number;
}): number {
  const jitter = o.handoverJitterMs ?? HANDOVER_JITTER_MS;
  if (o.handover) return Math.floor(Math.min(1, Math.max(0, o.random())) * jitter);
  if (o.sinceHandoverMs != null && o.sinceHandoverMs < HANDOVER_RETRY_WINDOW_MS) return fullJitterDelay(o.failures - 1, o.random, { baseMs: jitter / 4, capMs: jitter });
  return fullJitterDelay(o.failures - 1, o.random, o.backoff ?? DEFAULT_BACKOFF);
}
