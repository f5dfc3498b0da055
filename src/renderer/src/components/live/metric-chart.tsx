/**
 * One dashboard chart over the last five minutes. Throttled by construction: its rows change
 * once a second, it is memoised on them, it is plain SVG (line-chart.tsx), and it redraws only
 * while it can be seen (scrolled into view, window not hidden).
 */
import { memo, useDeferredValue, useRef, type RefObject } from 'react';
import { useOnScreen } from '../../lib/use-on-screen';
import type { MetricRow } from '../../store/metrics/metric-row';
import { LineChart, type SeriesDef } from './line-chart';

export type { SeriesDef } from './line-chart';

interface Props {
  title: string;
  /** The one unit of every series on this chart: on the caption, the axis and in the tooltip. */
  unit: string;
  series: SeriesDef[];
  rows: MetricRow[];
  theme: 'light' | 'dark';
  /** The top of the value axis (e.g. 100 for %). */
  yMax?: number;
  /** A fixed size and no tooltip: for a static copy of the chart (the post-event report's SVG). */
  size?: { width: number; height: number };
  /** `step` holds each value until the next (counts that change at moments, like the report's audience). */
  curve?: 'linear' | 'step';
}

/**
 * The frame renders at once; the chart inside renders from a deferred copy of the rows, which
 * React renders at low priority, so the charts redrawing never block a keypress. Off screen the
 * chart keeps the rows it last drew; back on screen it catches up at once.
 */
function MetricChartImpl(props: Props) {
  const figRef = useRef<HTMLElement>(null);
  const onScreen = useOnScreen(figRef, !props.size);
  // The rows last drawn on screen: a ref, not state, so each new second is one render, not two.
  const drawn = useRef(props.rows);
  if (onScreen) drawn.current = props.rows;
  const rows = useDeferredValue(drawn.current);
  return <ChartFigure {...props} rows={rows} figRef={figRef} />;
}

const ChartFigure = memo(function ChartFigure({ title, unit, series, rows, theme, yMax, size, curve, figRef }: Props & { figRef?: RefObject<HTMLElement | null> }) {
  const id = `chart-${title.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <figure className="card chart" aria-labelledby={id} data-unit={unit} ref={figRef}>
      <figcaption id={id}>
        {title} <span className="muted">({unit})</span>
      </figcaption>
      {rows.length < 2 ? (
        <p className="empty chart-empty">{size ? 'Too few data points for a chart.' : 'Collecting data…'}</p>
      ) : (
        <LineChart unit={unit} series={series} rows={rows} theme={theme} yMax={yMax} size={size} curve={curve} />
      )}
    </figure>
  );
});

export const MetricChart = memo(MetricChartImpl);
