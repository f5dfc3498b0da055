/** The line chart's arithmetic, apart from React: round ticks for time and value, one SVG path per series, tooltip text. */
import type { MetricRow } from '../../store/metrics/metric-row';
import { round1 } from '../../store/metrics/percentiles';

const TICK_STEPS = [1_000, 2_000, 5_000, 10_000, 20_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/** Time ticks at round times, at most 6 of them: the live five minutes, or a whole event (the report). */
export function timeTicks(first: number, last: number): number[] {
  const step = TICK_STEPS.find((s) => (last - first) / s <= 6) ?? 7_200_000;
  const out: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) out.push(t);
  return out;
}

/** Value ticks from 0 to a round top at or above `max`: steps of 1, 2, 2.5 or 5 times a power of ten, about 4 of them. */
export function valueTicks(max: number, allowDecimals: boolean, fixedTop?: number): number[] {
  const top0 = fixedTop ?? (Number.isFinite(max) && max > 0 ? max : 1);
  const raw = top0 / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = ([1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag) as number;
  if (!allowDecimals) step = Math.max(1, Math.ceil(step));
  const n = Math.ceil(top0 / step - 1e-9);
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(Math.round(i * step * 1000) / 1000);
  return out;
}

export const fmtTick = (v: number): string => (v >= 100_000 ? `${Math.round(v / 1000)}k` : Number.isInteger(v) ? String(v) : v.toFixed(1));

const SHORT: Record<string, string> = { '%': '%', ms: ' ms', 'per second': '/s', 'per minute': '/min', 'frames per second': ' frames/s' };

/** "12.5 ms", "40%", "3 people" for the tooltip. */
export function withUnit(v: unknown, unit: string): string {
  if (typeof v !== 'number') return String(v ?? '—');
  const n = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${n}${SHORT[unit] ?? ` ${unit}`}`;
}


/** One SVG path per series over the plot area: `M` after every gap, `L` (linear) or `H…V…` (step) between points. */
export function seriesPath(rows: readonly MetricRow[], key: keyof MetricRow, x: (t: number) => number, y: (v: number) => number, curve: 'linear' | 'step'): string {
  let d = '';
  let open = false;
  for (const row of rows) {
    const v = row[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      open = false;
      continue;
    }
    const px = round1(x(row.t));
    const py = round1(y(v));
    if (!open) d += `M${px},${py}`;
    else d += curve === 'step' ? `H${px}V${py}` : `L${px},${py}`;
    open = true;
  }
  return d;
}
