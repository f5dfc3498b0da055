/** Live: engagement, latency and hub load over the last five minutes (one row a second). */
import { fmtInt, fmtMs } from '../../lib/format';
import type { MetricRow } from '../../store/metrics/metric-row';
import { useConsole } from '../../store/store';
import { LoadAlert } from './load-alert';
import { MetricChart, type SeriesDef } from './metric-chart';
import { ReachAlert } from './reach-alert';
import { StatTile } from './stat-tile';
import { StreamDelayMark } from './stream-delay-mark';

// One unit per chart (issue 14.4): a chart never puts ms beside %, or 0.5 ms beside 700 ms.
const AUDIENCE: SeriesDef[] = [
  { key: 'online', label: 'Online' },
  { key: 'peak', label: 'Peak' },
];
const ENGAGEMENT: SeriesDef[] = [
  { key: 'votesPerSec', label: 'Votes' },
  { key: 'reactionsPerSec', label: 'Reactions' },
];
const QUESTIONS: SeriesDef[] = [{ key: 'questionsPerMin', label: 'Questions' }];
const RTT: SeriesDef[] = [
  { key: 'rttP50', label: 'RTT p50' },
  { key: 'rttP95', label: 'RTT p95' },
  { key: 'rttP99', label: 'RTT p99' },
  { key: 'jitterMs', label: 'Jitter' },
];
const DELIVERY: SeriesDef[] = [
  { key: 'ackMs', label: 'Ack p50' },
  { key: 'ackP99Ms', label: 'Ack p99' },
  { key: 'syncLagMs', label: 'Sync lag' },
];
const AUDIENCE_LAG: SeriesDef[] = [
  { key: 'audienceLagP50Ms', label: 'Lag p50' },
  { key: 'audienceLagP99Ms', label: 'Lag p99' },
];
const LOAD: SeriesDef[] = [
  { key: 'loadPct', label: 'Load' },
  { key: 'cpuPct', label: 'CPU' },
];
const LOOP: SeriesDef[] = [{ key: 'loopLagMs', label: 'Event-loop lag p99' }];
const CONNECTIONS: SeriesDef[] = [{ key: 'connections', label: 'Connections' }];
const FRAMES: SeriesDef[] = [
  { key: 'framesInPerSec', label: 'Frames in' },
  { key: 'framesOutPerSec', label: 'Frames out' },
];

const EMPTY_ROW: Partial<MetricRow> = {};

export function LiveScreen() {
  const rows = useConsole((s) => s.series);
  const theme = useConsole((s) => s.resolvedTheme);
  const last = rows[rows.length - 1] ?? EMPTY_ROW;
  return (
    <div className="screen-inner live">
      <header className="screen-head">
        <h2 className="screen-title">Live</h2>
        <p className="muted">Last 5 minutes, one point a second.</p>
      </header>
      <ReachAlert />
      <LoadAlert />
      <dl className="tiles" aria-label="Current figures">
        <StatTile label="Audience online" value={fmtInt(last.online)} detail={`peak ${fmtInt(last.peak)}`} />
        <StatTile label="Votes/s" value={fmtInt(last.votesPerSec)} />
        <StatTile label="Reactions/s" value={fmtInt(last.reactionsPerSec)} />
        <StatTile label="Questions/min" value={fmtInt(last.questionsPerMin)} />
        <StatTile label="RTT p50 / p99" value={`${fmtMs(last.rttP50)} / ${fmtMs(last.rttP99)}`} detail={`jitter ${fmtMs(last.jitterMs)}`} />
        <StatTile label="Ack latency p50 / p99" value={`${fmtMs(last.ackMs)} / ${fmtMs(last.ackP99Ms)}`} detail={`sync lag ${fmtMs(last.syncLagMs)}`} />
        <StatTile
          label="Audience lag p50 / p99"
          value={`${fmtMs(last.audienceLagP50Ms)} / ${fmtMs(last.audienceLagP99Ms)}`}
          detail={last.reportingPct === null || last.reportingPct === undefined ? 'no phone reports' : `${Math.round(last.reportingPct)}% of phones report`}
        />
        <StatTile label="Hub load" value={last.loadPct === null || last.loadPct === undefined ? '—' : `${Math.round(last.loadPct)}%`} detail={`CPU ${last.cpuPct ?? '—'}% · lag ${fmtMs(last.loopLagMs)}`} />
        <StatTile label="Connections" value={fmtInt(last.connections)} detail={`${fmtInt(last.framesInPerSec)} in/s · ${fmtInt(last.framesOutPerSec)} out/s`} />
      </dl>
      <StreamDelayMark />
      <div className="charts">
        <MetricChart title="Audience" unit="people" series={AUDIENCE} rows={rows} theme={theme} />
        <MetricChart title="Engagement" unit="per second" series={ENGAGEMENT} rows={rows} theme={theme} />
        <MetricChart title="Questions" unit="per minute" series={QUESTIONS} rows={rows} theme={theme} />
        <MetricChart title="Round trip" unit="ms" series={RTT} rows={rows} theme={theme} />
        <MetricChart title="Delivery" unit="ms" series={DELIVERY} rows={rows} theme={theme} />
        <MetricChart title="Audience lag" unit="ms" series={AUDIENCE_LAG} rows={rows} theme={theme} />
        <MetricChart title="Hub load" unit="%" series={LOAD} rows={rows} theme={theme} />
        <MetricChart title="Hub event loop" unit="ms" series={LOOP} rows={rows} theme={theme} />
        <MetricChart title="Hub connections" unit="connections" series={CONNECTIONS} rows={rows} theme={theme} />
        <MetricChart title="Hub traffic" unit="frames per second" series={FRAMES} rows={rows} theme={theme} />
      </div>
    </div>
  );
}
