/** The Live screen's SVG line chart arithmetic (components/live/chart-scale.ts): ticks, paths with gaps, tooltip units. */
import { describe, expect, it } from 'vitest';
import { emptyMetricRow, type MetricRow } from '../../src/renderer/src/store/metrics/metric-row';
import { seriesPath, timeTicks, valueTicks, withUnit } from '../../src/renderer/src/components/live/chart-scale';

const row = (t: number, online: number | null): MetricRow => ({ ...emptyMetricRow(t), online });
const id = (v: number): number => v;

describe('chart scale', () => {
  it('puts time ticks at round times, at most 6 over the span', () => {
    expect(timeTicks(1_000, 61_000)).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    const five = timeTicks(7_300, 307_300);
    expect(five.length).toBeLessThanOrEqual(6);
    expect(five.every((t) => t % 60_000 === 0)).toBe(true);
  });

  it('puts value ticks from 0 to a round top at or above the largest value', () => {
    expect(valueTicks(800, false)).toEqual([0, 200, 400, 600, 800]);
    expect(valueTicks(147, false)).toEqual([0, 50, 100, 150]);
    expect(valueTicks(0, false)).toEqual([0, 1]);
    expect(valueTicks(3, false)).toEqual([0, 1, 2, 3]);
    expect(valueTicks(1.3, true)).toEqual([0, 0.5, 1, 1.5]);
    expect(valueTicks(12, false, 100)).toEqual([0, 25, 50, 75, 100]);
    for (const max of [7, 99, 101, 4_999, 52_340]) {
      const ts = valueTicks(max, false);
      expect(ts[ts.length - 1]).toBeGreaterThanOrEqual(max);
      expect(ts.length).toBeLessThanOrEqual(6);
      expect(ts.every((v) => Number.isInteger(v))).toBe(true);
    }
  });

  it('draws one path per series, breaking the line at each null', () => {
    const rows = [row(0, 1), row(1, 2), row(2, null), row(3, 4), row(4, 5)];
    expect(seriesPath(rows, 'online', id, id, 'linear')).toBe('M0,1L1,2M3,4L4,5');
    expect(seriesPath(rows, 'online', id, id, 'step')).toBe('M0,1H1V2M3,4H4V5');
    expect(seriesPath([row(0, null)], 'online', id, id, 'linear')).toBe('');
  });

  it('writes the unit into the tooltip text', () => {
    expect(withUnit(12.34, 'ms')).toBe('12.3 ms');
    expect(withUnit(40, '%')).toBe('40%');
    expect(withUnit(3, 'people')).toBe('3 people');
    expect(withUnit(null, 'ms')).toBe('—');
  });
});
