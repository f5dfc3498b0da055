/**
 * Counters and latency histograms a worker keeps, shipped to the parent as plain data
 * (structured clone) and merged there: one shape for the live line and the final report.
 */
import { Histogram } from '../shared/histogram';

export const COUNTERS = [
  'joined',
  'framesIn',
  'framesOut',
  'bytesIn',
  'pubsSent',
  'acks',
  'applied',
  'dups',
  'drops',
  'reconnects',
  'resyncs',
  'divergences',
  'atSent',
  'snapshots',
  'patches',
  'votes',
  'voteChanges',
  'quizAnswers',
  'questions',
  'upvotes',
  'reactions',
  'chats',
] as const;
export type CounterName = (typeof COUNTERS)[number];

/** Counted by a key: nacks by code, errors by code, closes by code, refusals by reason. */
export const KEYED = ['nacks', 'errors', 'closes', 'notApplied', 'joinFailures'] as const;
export type KeyedName = (typeof KEYED)[number];

export interface StatsData {
  counters: Record<CounterName, number>;
  keyed: Record<KeyedName, Record<string, number>>;
  ackMs: Array<[number, number]>;
  syncLagMs: Array<[number, number]>;
}

const zeroCounters = (): Record<CounterName, number> => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Record<CounterName, number>;
const zeroKeyed = (): Record<KeyedName, Record<string, number>> => Object.fromEntries(KEYED.map((k) => [k, {}])) as Record<KeyedName, Record<string, number>>;

export class StatsBag {
  counters = zeroCounters();
  keyed = zeroKeyed();
  ackMs = new Histogram();
  syncLagMs = new Histogram();

  count(name: CounterName, n = 1): void {
    this.counters[name] += n;
  }

  countKey(group: KeyedName, key: string, n = 1): void {
    const g = this.keyed[group];
    g[key] = (g[key] ?? 0) + n;
  }

  /** Everything since the last take, and a fresh start. */
  take(): StatsData {
    const out: StatsData = { counters: this.counters, keyed: this.keyed, ackMs: this.ackMs.dump(), syncLagMs: this.syncLagMs.dump() };
    this.counters = zeroCounters();
    this.keyed = zeroKeyed();
    this.ackMs = new Histogram();
    this.syncLagMs = new Histogram();
    return out;
  }

  merge(d: StatsData): void {
    for (const c of COUNTERS) this.counters[c] += d.counters[c] ?? 0;
    for (const k of KEYED) for (const [key, n] of Object.entries(d.keyed[k] ?? {})) this.countKey(k, key, n);
    this.ackMs.merge(Histogram.load(d.ackMs));
    this.syncLagMs.merge(Histogram.load(d.syncLagMs));
  }
}
