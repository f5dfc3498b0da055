/** The live dashboard's figures: one row a second over the last five minutes, plus the hub's latest stats frame. */
import type { StatsFrame } from '../../../../shared/protocol/frames';
import type { MetricRow } from '../metrics/metric-row';
import type { ReachAlert } from '../metrics/reach-watch';

export interface StatsSlice {
  /** Oldest first; a copy of the sampler's ring, replaced once a second. */
  series: MetricRow[];
  latestStats: StatsFrame | null;
  /** Hub `load` (0..1) at or above which the console raises an alert. */
  loadThreshold: number;
  /** P27: an open cue shown on under 95% of phones for more than 5 s (reach-watch.ts). */
  reachAlert: ReachAlert | null;
}

export const DEFAULT_LOAD_THRESHOLD = 0.8;

export const createStatsSlice = (): StatsSlice => ({ series: [], latestStats: null, loadThreshold: DEFAULT_LOAD_THRESHOLD, reachAlert: null });
