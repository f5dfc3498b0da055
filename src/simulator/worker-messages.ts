/** What the simulation's parent and its worker threads say to each other (structured clone). */
import type { ProfileName } from './profiles';
import type { StatsData } from './stats';

export interface WorkerConfig {
  worker: number;
  hubs: string[];
  code: string;
  /** Global index of this worker's first attendee, and how many it runs. */
  first: number;
  count: number;
  profile: ProfileName;
  dropRate: number;
  spreadSources: boolean;
  seed: number;
  connectConcurrency: number;
  drainMs: number;
  /** Unique per run: question and chat ids carry it, so a second run on the same event never collides (issue 14). */
  runTag: string;
}

export type ToWorker = { type: 'stop' };

/** Gauges are current values (not deltas). */
export interface Gauges {
  connected: number;
  /** Attendees that failed to join for good (unknown code, ...). */
  failed: number;
  pendingPubs: number;
  clockOffsetMs: number;
  /** This worker's event-loop delay p99 over the last tick: high means the simulator, not the hub, is the bottleneck. */
  loopLagP99Ms: number;
}

export interface FinalFigures {
  /** pollId → attendees of this worker holding an acked, applied ballot. */
  ballotsByPoll: Record<string, number>;
  /** Attendees with at least one ballot. */
  voters: number;
  /** Pubs still unacked when the run ended (after the drain). */
  unsettled: number;
  connectedPeak: number;
}

export type FromWorker =
  | { type: 'tick'; stats: StatsData; gauges: Gauges }
  /** Every attendee of this worker is connected or has given up. */
  | { type: 'ramped' }
  | { type: 'final'; stats: StatsData; gauges: Gauges; figures: FinalFigures }
  | { type: 'fatal'; message: string };
