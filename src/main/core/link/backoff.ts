/** Reconnect delays: AWS's "full jitter" (random in [0, min(cap, base·2^attempt))). */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 15_000 };

/** `attempt` counts from 0 (the first retry after a failure); `random` returns [0, 1). */
export function fullJitterDelay(attempt: number, random: () => number, { baseMs, capMs }: BackoffOptions): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(Math.min(1, Math.max(0, random())) * ceiling);
}
