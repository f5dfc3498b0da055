/**
 * Issue 14.5: the one definition of a poll option's percentage, used by the console, the phone,
 * the overlays, the CSV and the report. It is the share of the poll's ballots (the people who
 * voted) that chose the option. For a multiple-choice poll one voter may choose several
 * options, so the options add up to more than 100%; the label says so.
 */
import type { PollKind } from './types';

/** 0..1: `count` of the `ballots` people who voted. */
export const shareOfVoters = (count: number, ballots: number): number => (ballots > 0 ? Math.min(1, count / ballots) : 0);

/** The percentage, rounded to `decimals` places (the UI shows whole numbers, the CSV one decimal). */
export function percentOfVoters(count: number, ballots: number, decimals = 0): number {
  const f = 10 ** decimals;
  return Math.round(shareOfVoters(count, ballots) * 100 * f) / f;
}

/** What the percentages mean, in words, for the caption under the results. */
export function percentLabel(kind: PollKind, ballots: number): string {
  const base = `% of the ${ballots} ${ballots === 1 ? 'voter' : 'voters'}`;
  return kind === 'multiple' ? `${base}; each could choose several, so they add up to more than 100%` : base;
}
