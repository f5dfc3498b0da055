/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a hall of
 * phones dropped by one hub restart does not come back in one synchronized wave.
 */
export const BACKOFF_BASE_MS = 400;
export const BACKOFF_MAX_MS = 10_000;

export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
