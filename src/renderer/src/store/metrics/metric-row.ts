/** One second of the live dashboard. `null` = no data that second (a gap in the chart, not a zero). */
export interface MetricRow {
  /** Local clock, ms since epoch, at the end of the second. */
  t: number;
  online: number | null;
  peak: number | null;
  votesPerSec: number | null;
  reactionsPerSec: number | null;
  questionsPerMin: number | null;
  rttP50: number | null;
  rttP95: number | null;
  rttP99: number | null;
  jitterMs: number | null;
  /** The hub's ack latency p50 / p99 (stats frames), ms. */
  ackMs: number | null;
  ackP99Ms: number | null;
  syncLagMs: number | null;
  connections: number | null;
  framesInPerSec: number | null;
  framesOutPerSec: number | null;
  cpuPct: number | null;
  loopLagMs: number | null;
  loadPct: number | null;
  /** P27: how far behind the phones' reported states are, p50 / p99, ms. */
  audienceLagP50Ms: number | null;
  audienceLagP99Ms: number | null;
  /** P27: audience connections that report what they show (`at`), % of those subscribed. */
  reportingPct: number | null;
}

/** Five minutes at one row a second. */
export const SERIES_SECONDS = 300;

/** A row with no data but its time: a chart drawn from other figures (the report's audience line) fills in what it has. */
export function emptyMetricRow(t: number): MetricRow {
  return {
    t,
    online: null,
    peak: null,
    votesPerSec: null,
    reactionsPerSec: null,
    questionsPerMin: null,
    rttP50: null,
    rttP95: null,
    rttP99: null,
    jitterMs: null,
    ackMs: null,
    ackP99Ms: null,
    syncLagMs: null,
    connections: null,
    framesInPerSec: null,
    framesOutPerSec: null,
    cpuPct: null,
    loopLagMs: null,
    loadPct: null,
    audienceLagP50Ms: null,
    audienceLagP99Ms: null,
    reportingPct: null,
  };
}
