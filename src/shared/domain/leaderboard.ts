/** A quiz's leaderboard and ranks, derived from its players map (which changes only at reveal). */
import { memo } from './memo';
import { pforEach, type PMap } from './pmap';
import type { QuizPlayer } from './state';
import type { LeaderboardRowAudience, LeaderboardRowStaff } from './types';

/** The audience sees the top of the board; each client learns its own rank from `self` (P22). */
export const AUDIENCE_LEADERBOARD_ROWS = 10;

// Code-unit order, not localeCompare: every hub node must sort alike whatever its ICU locale.
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Score descending, then name, then clientId: a total order, so the board is deterministic. */
export const leaderboard = memo((players: PMap<QuizPlayer>): LeaderboardRowStaff[] => {
  const rows: LeaderboardRowStaff[] = [];
  pforEach(players, (p, clientId) => rows.push({ clientId, name: p.name, score: p.score, streak: p.streak }));
  return rows.sort((a, b) => b.score - a.score || cmp(a.name, b.name) || cmp(a.clientId, b.clientId));
});

export const audienceLeaderboard = memo((rows: LeaderboardRowStaff[]): LeaderboardRowAudience[] =>
  rows.slice(0, AUDIENCE_LEADERBOARD_ROWS).map((r) => ({ name: r.name, score: r.score, streak: r.streak })),
);

/** clientId → 1-based position on the board. */
export const ranks = memo((players: PMap<QuizPlayer>): Map<string, number> => {
  const out = new Map<string, number>();
  leaderboard(players).forEach((r, i) => out.set(r.clientId, i + 1));
  return out;
});
