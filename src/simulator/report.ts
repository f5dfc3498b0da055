/** The simulator's final report: what the CLI prints, what `--json` emits, what benchmarks read. */
import type { Histogram } from '../shared/histogram';
import type { ProfileName } from './profiles';
import type { StatsBag } from './stats';
import type { FinalFigures } from './worker-messages';

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface SimReport {
  hubs: string[];
  code: string;
  profile: ProfileName;
  audience: number;
  workers: number;
  dropRate: number;
  /** Seconds from start until every attendee was connected (or had given up). */
  rampS: number;
  /** Seconds of activity after the ramp (the drain not included). */
  runS: number;
  /** True when the run was ended by its AbortSignal rather than its duration. */
  aborted: boolean;
  joined: number;
  /** Attendees that gave up (unknown code, refused token, ...), by reason. */
  joinFailures: Record<string, number>;
  connectedPeak: number;
  connectedAtEnd: number;
  framesIn: number;
  framesOut: number;
  /** Over the run phase. */
  framesInPerSec: number;
  framesOutPerSec: number;
  pubs: { sent: number; acked: number; applied: number; dups: number; unsettled: number };
  notApplied: Record<string, number>;
  nacks: Record<string, number>;
  errors: Record<string, number>;
  closes: Record<string, number>;
  ackMs: LatencySummary;
  /** Receipt (on the hub's clock, via ping offset) minus the hub's stamp of chat messages. */
  syncLagMs: LatencySummary;
  reconnects: number;
  drops: number;
  resyncs: number;
  /** P26: applied states whose hash differed from the hub's (each followed by a fresh snapshot). Expected 0. */
  divergences: number;
  /** P27: `at` reports sent (at most one a second per attendee); the hub's staff `stats` aggregate them. */
  delivery: { atSent: number };
  snapshots: number;
  patches: number;
  activity: { votes: number; voteChanges: number; quizAnswers: number; questions: number; upvotes: number; reactions: number; chats: number };
  /** Attendees holding an acked, applied ballot: in all, and per poll (what staff `ballots` should show). */
  ballots: { voters: number; byPoll: Record<string, number> };
  clockOffsetMs: number;
  /**
   * The worst per-worker event-loop delay p99 seen during the run (ms). Above ~100 ms the
   * simulator itself was saturated, and its latencies include its own backlog.
   */
  simulatorLagP99Ms: number;
}

const summary = (h: Histogram): LatencySummary => ({ count: h.count, p50: round(h.quantile(0.5)), p99: round(h.quantile(0.99)), max: round(h.max) });
const round = (n: number): number => Math.round(n * 100) / 100;
/** Event-loop delay above which the simulator, not the hub, is what the latencies measure. */
export const SATURATED_MS = 100;

export interface ReportInput {
  opts: { hubs: string[]; code: string; profile: ProfileName; audience: number; workers: number; dropRate: number };
  total: StatsBag;
  /** Counters at the start of the run phase, for per-second rates. */
  atRunStart: { framesIn: number; framesOut: number };
  rampS: number;
  runS: number;
  aborted: boolean;
  finals: FinalFigures[];
  connectedAtEnd: number;
  clockOffsetMs: number;
  simulatorLagP99Ms: number;
}

export function buildReport(r: ReportInput): SimReport {
  const c = r.total.counters;
  const k = r.total.keyed;
  const byPoll: Record<string, number> = {};
  for (const f of r.finals) for (const [p, n] of Object.entries(f.ballotsByPoll)) byPoll[p] = (byPoll[p] ?? 0) + n;
  const perSec = (n: number): number => (r.runS > 0 ? round(n / r.runS) : 0);
  return {
    ...r.opts,
    rampS: round(r.rampS),
    runS: round(r.runS),
    aborted: r.aborted,
    joined: c.joined,
    joinFailures: k.joinFailures,
    connectedPeak: r.finals.reduce((s, f) => s + f.connectedPeak, 0),
    connectedAtEnd: r.connectedAtEnd,
    framesIn: c.framesIn,
    framesOut: c.framesOut,
    framesInPerSec: perSec(c.framesIn - r.atRunStart.framesIn),
    framesOutPerSec: perSec(c.framesOut - r.atRunStart.framesOut),
    pubs: { sent: c.pubsSent, acked: c.acks, applied: c.applied, dups: c.dups, unsettled: r.finals.reduce((s, f) => s + f.unsettled, 0) },
    notApplied: k.notApplied,
    nacks: k.nacks,
    errors: k.errors,
    closes: k.closes,
    ackMs: summary(r.total.ackMs),
    syncLagMs: summary(r.total.syncLagMs),
    reconnects: c.reconnects,
    drops: c.drops,
    resyncs: c.resyncs,
    divergences: c.divergences,
    delivery: { atSent: c.atSent },
    snapshots: c.snapshots,
    patches: c.patches,
    activity: { votes: c.votes, voteChanges: c.voteChanges, quizAnswers: c.quizAnswers, questions: c.questions, upvotes: c.upvotes, reactions: c.reactions, chats: c.chats },
    ballots: { voters: r.finals.reduce((s, f) => s + f.voters, 0), byPoll },
    clockOffsetMs: round(r.clockOffsetMs),
    simulatorLagP99Ms: round(r.simulatorLagP99Ms),
  };
}

const keyed = (m: Record<string, number>): string =>
  Object.keys(m).length === 0
    ? 'none'
    : Object.entries(m)
        .sort((a, b) => b[1] - a[1])
        .map(([key, n]) => `${key} ${n.toLocaleString('en-US')}`)
        .join(', ');
const ms = (l: LatencySummary): string => (l.count ? `p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.count.toLocaleString('en-US')} samples)` : 'no samples');

/** The human-readable final report. */
export function formatReport(r: SimReport): string {
  const a = r.activity;
  return [
    `Simulation: ${r.audience.toLocaleString('en-US')} attendees, profile ${r.profile}, ${r.workers} workers, drop rate ${r.dropRate}/min, against ${r.hubs.join(', ')} (code ${r.code})${r.aborted ? ', stopped early' : ''}`,
    `  ramp ${r.rampS} s, run ${r.runS} s`,
    `  joined ${r.joined.toLocaleString('en-US')}, gave up: ${keyed(r.joinFailures)}; connected peak ${r.connectedPeak}, at end ${r.connectedAtEnd}`,
    `  frames in ${r.framesIn.toLocaleString('en-US')} (${r.framesInPerSec}/s), out ${r.framesOut.toLocaleString('en-US')} (${r.framesOutPerSec}/s)`,
    `  pubs sent ${r.pubs.sent}, acked ${r.pubs.acked} (applied ${r.pubs.applied}, dup ${r.pubs.dups}), unsettled ${r.pubs.unsettled}`,
    `  not applied: ${keyed(r.notApplied)}`,
    `  nacks: ${keyed(r.nacks)}`,
    `  ack latency: ${ms(r.ackMs)}`,
    `  sync lag: ${ms(r.syncLagMs)} (clock offset ${r.clockOffsetMs} ms)`,
    `  integrity: divergences ${r.divergences} (expected 0)${r.divergences > 0 ? ' - states differed from the hub\'s hash and were replaced by snapshots' : ''}; delivery reports sent ${r.delivery.atSent.toLocaleString('en-US')}`,
    `  reconnects ${r.reconnects}, drops ${r.drops}, resyncs ${r.resyncs}, snapshots ${r.snapshots}, patches ${r.patches.toLocaleString('en-US')}`,
    `  activity: votes ${a.votes} (+${a.voteChanges} changed), quiz answers ${a.quizAnswers}, questions ${a.questions}, upvotes ${a.upvotes}, reactions ${a.reactions}, chat ${a.chats}`,
    `  ballots held: ${r.ballots.voters} voters; by poll: ${keyed(r.ballots.byPoll)}`,
    `  errors: ${keyed(r.errors)}; closes: ${keyed(r.closes)}`,
    `  simulator event-loop delay p99 (worst worker): ${r.simulatorLagP99Ms} ms${r.simulatorLagP99Ms > SATURATED_MS ? ' - the simulator was saturated: use more cores/machines or fewer attendees per worker; latencies above include its backlog' : ''}`,
  ].join('\n');
}
