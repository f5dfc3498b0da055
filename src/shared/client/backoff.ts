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
