/**
 * One dashboard chart over the last five minutes. Throttled by construction: its rows change
 * once a second, it is memoised on them, and recharts' animations are off.
 */
import { memo, useDeferredValue } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { fmtClock } from '../../lib/format';
import type { MetricRow } from '../../store/metrics/metric-row';
import { AXIS, DASHES, PALETTE } from './chart-colors';

export interface SeriesDef {
  key: keyof MetricRow;
  label: string;
}

interface Props {
  title: string;
  /** The one unit of every series on this chart: on the caption, the axis and in the tooltip. */
  unit: string;
  series: SeriesDef[];
  rows: MetricRow[];
  theme: 'light' | 'dark';
  /** A horizontal reference drawn as its own series (e.g. the load alert threshold). */
  yMax?: number;
  /** A fixed size and no tooltip: for a static copy of the chart (the post-event report's SVG). */
  size?: { width: number; height: number };
  /** `step` holds each value until the next (counts that change at moments, like the report's audience). */
  curve?: 'linear' | 'step';
}

const TICK_STEPS = [1_000, 2_000, 5_000, 10_000, 20_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000];

/** Axis ticks at round times, 4-6 of them (given explicitly, so recharts never measures a label per point). */
function ticksFor(rows: MetricRow[]): number[] {
  const first = rows[0]?.t;
  const last = rows[rows.length - 1]?.t;
  if (first === undefined || last === undefined) return [];
  // The smallest round step giving at most 6 ticks: the live five minutes, or a whole event (the report).
  const step = TICK_STEPS.find((s) => (last - first) / s <= 6) ?? 7_200_000;
  const out: number[] = [];
  for (let t = Math.ceil(first / step) * step; t <= last; t += step) out.push(t);
  return out;
}

const SHORT: Record<string, string> = { '%': '%', ms: ' ms', 'per second': '/s', 'per minute': '/min', 'frames per second': ' frames/s' };

/** "12.5 ms", "40%", "3 people" for the tooltip. */
export function withUnit(v: unknown, unit: string): string {
  if (typeof v !== 'number') return String(v ?? '—');
  const n = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${n}${SHORT[unit] ?? ` ${unit}`}`;
}

/**
 * The frame renders at once; the chart inside renders from a deferred copy of the rows, which
 * React renders at low priority in small slices, so five charts redrawing never block a keypress.
 */
function MetricChartImpl(props: Props) {
  const rows = useDeferredValue(props.rows);
  return <ChartBody {...props} rows={rows} />;
}

const ChartBody = memo(function ChartBody({ title, unit, series, rows, theme, yMax, size, curve }: Props) {
  const colors = PALETTE[theme];
  const axis = AXIS[theme];
  const id = `chart-${title.replace(/\W+/g, '-').toLowerCase()}`;
  const chart = (
    <LineChart data={rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }} {...size}>
      <CartesianGrid stroke={axis.grid} strokeDasharray="3 3" />
      <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} ticks={ticksFor(rows)} interval={0} tickFormatter={fmtClock} stroke={axis.text} tick={{ fill: axis.text, fontSize: 11 }} />
      <YAxis stroke={axis.text} tick={{ fill: axis.text, fontSize: 11 }} width={48} domain={yMax !== undefined ? [0, yMax] : [0, 'auto']} allowDecimals={unit === 'ms'} />
      {!size && <Tooltip isAnimationActive={false} labelFormatter={(t) => fmtClock(Number(t))} formatter={(v) => withUnit(v, unit)} contentStyle={{ background: theme === 'dark' ? '#1b1f2a' : '#fff', borderColor: axis.grid }} />}
      <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
      {series.map((s, i) => (
        <Line
          key={String(s.key)}
          type={curve === 'step' ? 'stepAfter' : 'linear'}
          dataKey={s.key}
          name={s.label}
          stroke={colors[i % colors.length]}
          strokeDasharray={DASHES[i % DASHES.length]}
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
          connectNulls={false}
        />
      ))}
    </LineChart>
  );
  return (
    <figure className="card chart" aria-labelledby={id} data-unit={unit}>
      <figcaption id={id}>
        {title} <span className="muted">({unit})</span>
      </figcaption>
      {rows.length < 2 ? (
        <p className="empty chart-empty">{size ? 'Too few data points for a chart.' : 'Collecting data…'}</p>
      ) : size ? (
        <div className="chart-static" aria-hidden="true">
          {chart}
        </div>
      ) : (
        <div className="chart-box" aria-hidden="true">
          <ResponsiveContainer width="100%" height="100%">
            {chart}
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
});

export const MetricChart = memo(MetricChartImpl);
