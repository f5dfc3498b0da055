/**
 * Turns the console's event streams into one MetricRow a second (issue 5.4). It runs outside
 * React; observing is O(1) per event and the per-second work is bounded by small windows, so a
 * 10,000-person audience costs the same as ten.
 */
import type { RttSample } from '../../../../shared/console-api';
import type { StaffView } from '../../../../shared/domain/types';
import type { StatsFrame } from '../../../../shared/protocol/frames';
import type { MetricRow } from './metric-row';
import { SERIES_SECONDS } from './metric-row';
import { jitter, percentile, round1 } from './percentiles';
import { Ring } from './ring';
import { ballotsBetween, newestStamp, viewCounts, type ViewCounts } from './view-counts';

const RTT_WINDOW_MS = 60_000;
const STATS_FRESH_MS = 3_000;

export class MetricsSampler {
  readonly rows = new Ring<MetricRow>(SERIES_SECONDS);
  private readonly rtts = new Ring<RttSample>(64);
  private readonly counts = new Ring<ViewCounts>(61);
  private doc: StaffView | null = null;
  private prev: ViewCounts | null = null;
  private stats: { frame: StatsFrame; at: number } | null = null;
  /** The newest hub stamp (chat `ts`) seen in a held view; null until the first view. */
  private lastStamp: number | null = null;
  private lags: number[] = [];

  reset(): void {
    this.rows.clear();
    this.counts.clear();
    this.doc = null;
    this.prev = null;
    this.lastStamp = null;
    this.lags = [];
  }

  observeRtt(s: RttSample): void {
    if (Number.isFinite(s.rttMs) && s.rttMs >= 0) this.rtts.push(s);
  }

  observeStats(frame: StatsFrame, now: number): void {
    this.stats = { frame, at: now };
  }

  /**
   * The held view changed (`hubNow`: the hub's clock now). Sync lag, from the view alone: a chat
   * message new in this view was stamped by the hub at `ts` and reached this screen now (as the
   * simulator measures it). The first view after a reset, and a copy fetched after a gap
   * (`measure` false), only set the mark: their messages are not news.
   */
  observeView(doc: StaffView | null, hubNow: number, measure = true): void {
    this.doc = doc;
    if (!doc) return;
    const stamp = newestStamp(doc);
    if (stamp === null) {
      this.lastStamp ??= -Infinity;
      return;
    }
    if (measure && this.lastStamp !== null && stamp > this.lastStamp) this.lags.push(Math.max(0, hubNow - stamp));
    if (this.lastStamp === null || stamp > this.lastStamp) this.lastStamp = stamp;
  }

  /** Closes the second ending at `now` and returns its row (also kept in `rows`). */
  tick(now: number): MetricRow {
    const doc = this.doc;
    const counts = doc ? viewCounts(doc) : null;
    if (counts) this.counts.push(counts);
    const prev = this.prev;
    this.prev = counts;
    // Votes/s from the view: ballot and answer counts, one second apart (no per-vote log stream).
    const ballotDelta = counts && prev ? ballotsBetween(prev, counts) : null;

    const rtts = this.rtts.toArray().filter((s) => now - s.at <= RTT_WINDOW_MS).map((s) => s.rttMs);
    const st = this.stats && now - this.stats.at <= STATS_FRESH_MS ? this.stats.frame : null;
    const lag = this.lags.length ? Math.max(...this.lags) : null;
    const delivery = st?.delivery?.audience;

    const row: MetricRow = {
      t: now,
      online: doc ? doc.audience.online : null,
      peak: doc ? doc.audience.peak : null,
      votesPerSec: ballotDelta,
      reactionsPerSec: counts && prev ? Math.max(0, counts.reactions - prev.reactions) : null,
      questionsPerMin: this.questionsPerMin(),
      rttP50: round1(percentile(rtts, 50)),
      rttP95: round1(percentile(rtts, 95)),
      rttP99: round1(percentile(rtts, 99)),
      jitterMs: round1(jitter(rtts)),
      // The hub's own measure (P23): append to ack for every publisher, not just this console.
      ackMs: st ? round1(st.ackLatencyMs.p50) : null,
      ackP99Ms: st ? round1(st.ackLatencyMs.p99) : null,
      syncLagMs: round1(lag),
      connections: st ? Object.values(st.connections).reduce((a, b) => a + b, 0) : null,
      framesInPerSec: st ? Math.round(st.framesInPerSec) : null,
      framesOutPerSec: st ? Math.round(st.framesOutPerSec) : null,
      cpuPct: st ? round1(st.cpuPct) : null,
      loopLagMs: st ? round1(st.loopLagP99Ms) : null,
      loadPct: st ? round1(st.load * 100) : null,
      // Not atCurrent / subscribers: phones report once a second while a busy view moves ten
      // times a second, so that share reads near 0% when delivery is perfect (protocol notes).
      audienceLagP50Ms: delivery && delivery.subscribers > 0 ? delivery.lagMs.p50 : null,
      audienceLagP99Ms: delivery && delivery.subscribers > 0 ? delivery.lagMs.p99 : null,
      reportingPct: delivery && delivery.subscribers > 0 ? round1((100 * delivery.reported) / delivery.subscribers) : null,
    };
    this.lags = [];
    this.rows.push(row);
    return row;
  }

  /** Questions that arrived in the last minute (in the time known, while less than a minute is). */
  private questionsPerMin(): number | null {
    const n = this.counts.size;
    if (n < 2) return null;
    const oldest = this.counts.last(n)[0] as ViewCounts;
    const newest = this.counts.latest() as ViewCounts;
    return Math.max(0, newest.questions - oldest.questions);
  }
}
