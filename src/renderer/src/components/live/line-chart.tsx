/**
 * The dashboard's line chart, drawn as plain SVG: a grid, round-time and round-value ticks, one
 * path per series (a null is a gap), an HTML legend and a tooltip on hover. It replaces recharts
 * on the Live screen: recharts 3 runs every redraw through its own store and selectors, which
 * under a 5,000-person audience was most of the page's JavaScript (docs/benchmarks.md, ui-load);
 * this costs one string per series and a few dozen elements per chart.
 */
import { memo, useLayoutEffect, useMemo, useRef, useState, type MouseEvent, type RefObject } from 'react';
import { fmtClock } from '../../lib/format';
import type { MetricRow } from '../../store/metrics/metric-row';
import { AXIS, DASHES, PALETTE } from './chart-colors';
import { round1 } from '../../store/metrics/percentiles';
import { fmtTick, seriesPath, timeTicks, valueTicks, withUnit } from './chart-scale';

export interface SeriesDef {
  key: keyof MetricRow;
  label: string;
}

export interface LineChartProps {
  unit: string;
  series: SeriesDef[];
  rows: MetricRow[];
  theme: 'light' | 'dark';
  /** A fixed top of the value axis (e.g. 100 for %); otherwise a round value above the largest. */
  yMax?: number;
  /** `step` holds each value until the next (counts that change at moments). */
  curve?: 'linear' | 'step';
  /** Pixels to draw at; without it the chart fills its box (measured) and shows a tooltip on hover. */
  size?: { width: number; height: number };
}

const PAD = { top: 8, right: 14, bottom: 20, left: 50 };
const FONT = 11;

/** The size of a box, kept current by a ResizeObserver (0 × 0 until it is laid out). */
function useBoxSize(enabled: boolean): [RefObject<HTMLDivElement | null>, { width: number; height: number }] {
  const ref = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!enabled || !el) return;
    const read = (): void => {
      const width = el.clientWidth;
      const height = el.clientHeight;
      setBox((b) => (b.width === width && b.height === height ? b : { width, height }));
    };
    read();
    const ro = new ResizeObserver(read);
    ro.observe(el);
    return () => ro.disconnect();
  }, [enabled]);
  return [ref, box];
}

export const LineChart = memo(function LineChart({ unit, series, rows, theme, yMax, curve = 'linear', size }: LineChartProps) {
  const [boxRef, box] = useBoxSize(!size);
  const width = size?.width ?? box.width;
  const height = size?.height ?? box.height;
  const colors = PALETTE[theme];
  const axis = AXIS[theme];
  const [hover, setHover] = useState<number | null>(null);

  const plot = useMemo(() => {
    if (width <= PAD.left + PAD.right || height <= PAD.top + PAD.bottom || rows.length < 2) return null;
    const first = (rows[0] as MetricRow).t;
    const last = (rows[rows.length - 1] as MetricRow).t;
    let max = 0;
    for (const row of rows) for (const s of series) {
      const v = row[s.key];
      if (typeof v === 'number' && v > max) max = v;
    }
    const yt = valueTicks(max, unit === 'ms', yMax);
    const top = yt[yt.length - 1] || 1;
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom;
    const x = (t: number): number => PAD.left + (last === first ? 0 : ((t - first) / (last - first)) * w);
    const y = (v: number): number => PAD.top + h - (Math.min(v, top) / top) * h;
    return {
      x,
      first,
      last,
      xt: timeTicks(first, last).map((t) => ({ t, px: round1(x(t)) })),
      yt: yt.map((v) => ({ v, py: round1(y(v)) })),
      paths: series.map((s) => seriesPath(rows, s.key, x, y, curve)),
    };
  }, [rows, series, width, height, unit, yMax, curve]);

  const onMove = (e: MouseEvent<SVGSVGElement>): void => {
    if (!plot) return;
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const t = plot.first + ((px - PAD.left) / (width - PAD.left - PAD.right)) * (plot.last - plot.first);
    // Nearest row by time (rows are in time order).
    let lo = 0;
    let hi = rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((rows[mid] as MetricRow).t < t) lo = mid + 1;
      else hi = mid;
    }
    const prev = rows[lo - 1];
    const i = prev && t - prev.t < (rows[lo] as MetricRow).t - t ? lo - 1 : lo;
    setHover(i);
  };

  const hovered = hover !== null && !size ? rows[hover] : undefined;
  const svg = plot && (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="line-chart"
      onMouseMove={size ? undefined : onMove}
      onMouseLeave={size ? undefined : () => setHover(null)}
    >
      <g stroke={axis.grid} strokeDasharray="3 3">
        {plot.yt.map(({ v, py }) => (
          <line key={`y${v}`} x1={PAD.left} x2={width - PAD.right} y1={py} y2={py} />
        ))}
        {plot.xt.map(({ t, px }) => (
          <line key={`x${t}`} x1={px} x2={px} y1={PAD.top} y2={height - PAD.bottom} />
        ))}
      </g>
      <g fill={axis.text} fontSize={FONT}>
        {plot.yt.map(({ v, py }) => (
          <text key={`y${v}`} x={PAD.left - 6} y={py} textAnchor="end" dominantBaseline="middle">
            {fmtTick(v)}
          </text>
        ))}
        {plot.xt.map(({ t, px }) => (
          <text key={`x${t}`} x={px} y={height - PAD.bottom + 14} textAnchor={px < PAD.left + 24 ? 'start' : px > width - PAD.right - 24 ? 'end' : 'middle'}>
            {fmtClock(t)}
          </text>
        ))}
      </g>
      <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={height - PAD.bottom} stroke={axis.text} />
      <line x1={PAD.left} x2={width - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} stroke={axis.text} />
      {series.map((s, i) => (
        <path key={String(s.key)} className="chart-line" data-series={String(s.key)} d={plot.paths[i]} fill="none" stroke={colors[i % colors.length]} strokeDasharray={DASHES[i % DASHES.length] || undefined} strokeWidth={2} strokeLinejoin="round" />
      ))}
      {hovered && <line x1={round1(plot.x(hovered.t))} x2={round1(plot.x(hovered.t))} y1={PAD.top} y2={height - PAD.bottom} stroke={axis.text} strokeWidth={1} />}
    </svg>
  );

  const legend = (
    <ul className="chart-legend">
      {series.map((s, i) => (
        <li key={String(s.key)}>
          <svg width="18" height="8" aria-hidden="true">
            <line x1="0" x2="18" y1="4" y2="4" stroke={colors[i % colors.length]} strokeWidth={2} strokeDasharray={DASHES[i % DASHES.length] || undefined} />
          </svg>
          {s.label}
        </li>
      ))}
    </ul>
  );

  if (size) {
    return (
      <div className="chart-static" aria-hidden="true">
        {svg}
        {legend}
      </div>
    );
  }
  return (
    <div className="chart-box" aria-hidden="true">
      <div className="chart-plot" ref={boxRef}>
        {svg}
        {hovered && plot && (
          <div className="chart-tooltip" style={plot.x(hovered.t) > width / 2 ? { right: width - plot.x(hovered.t) + 10 } : { left: plot.x(hovered.t) + 10 }}>
            <p className="chart-tooltip-time">{fmtClock(hovered.t)}</p>
            {series.map((s, i) => (
              <p key={String(s.key)} style={{ color: colors[i % colors.length] }}>
                {s.label}: {withUnit(hovered[s.key], unit)}
              </p>
            ))}
          </div>
        )}
      </div>
      {legend}
    </div>
  );
});
