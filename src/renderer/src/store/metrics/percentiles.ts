/** Small-window statistics for the latency charts (windows of at most a few hundred samples). */

/** Nearest-rank percentile of unsorted values; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? null;
}

/** Mean absolute difference between consecutive samples (RFC 3550's idea of jitter, unsmoothed). */
export function jitter(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  let sum = 0;
  for (let i = 1; i < values.length; i++) sum += Math.abs((values[i] as number) - (values[i - 1] as number));
  return sum / (values.length - 1);
}

/** One decimal: figures in rows and tooltips, and chart coordinates (shorter SVG paths). */
export function round1(v: number): number;
export function round1(v: number | null): number | null;
export function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}
