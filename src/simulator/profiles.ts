/**
 * How busy a simulated audience is. Rates are per attendee; the audience's total is the rate
 * times the number of attendees (5,000 lively attendees send ~80 reactions a second).
 */
export type ProfileName = 'quiet' | 'lively' | 'storm';
export const PROFILE_NAMES: readonly ProfileName[] = ['quiet', 'lively', 'storm'];

export interface Profile {
  /** Chance an attendee votes on a poll it sees open. */
  voteChance: number;
  /** Median and clamp of the delay between seeing a poll open and voting (log-normal). */
  voteDelay: { medianMs: number; sigma: number; minMs: number; maxMs: number };
  /** Chance a voter later changes its vote. */
  changeChance: number;
  /** Chance an attendee answers a quiz question (always before closesAt). */
  answerChance: number;
  questionsPerMin: number;
  upvotesPerMin: number;
  chatPerMin: number;
  /** Reaction bursts: how often one starts, and how many reactions it holds. */
  burstsPerMin: number;
  burstSize: { min: number; max: number };
}

export const PROFILES: Record<ProfileName, Profile> = {
  quiet: {
    voteChance: 0.6,
    voteDelay: { medianMs: 6_000, sigma: 0.6, minMs: 1_000, maxMs: 15_000 },
    changeChance: 0.05,
    answerChance: 0.6,
    questionsPerMin: 1 / 30,
    upvotesPerMin: 0.1,
    chatPerMin: 1 / 30,
    burstsPerMin: 0.2,
    burstSize: { min: 1, max: 3 },
  },
  lively: {
    voteChance: 0.9,
    voteDelay: { medianMs: 4_000, sigma: 0.6, minMs: 1_000, maxMs: 15_000 },
    changeChance: 0.15,
    answerChance: 0.9,
    questionsPerMin: 0.1,
    upvotesPerMin: 0.5,
    chatPerMin: 0.1,
    burstsPerMin: 1,
    burstSize: { min: 2, max: 8 },
  },
  storm: {
    voteChance: 1,
    voteDelay: { medianMs: 2_500, sigma: 0.5, minMs: 1_000, maxMs: 8_000 },
    changeChance: 0.3,
    answerChance: 1,
    questionsPerMin: 0.5,
    upvotesPerMin: 2,
    chatPerMin: 0.5,
    burstsPerMin: 6,
    burstSize: { min: 5, max: 15 },
  },
};

export const isProfileName = (s: string): s is ProfileName => (PROFILE_NAMES as readonly string[]).includes(s);

/** A small seeded PRNG (mulberry32): runs are repeatable from --seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal by Box-Muller. */
function normal(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** Human reaction times are roughly log-normal: most soon, a long tail. */
export function logNormalMs(rand: () => number, d: Profile['voteDelay']): number {
  const v = d.medianMs * Math.exp(d.sigma * normal(rand));
  return Math.min(d.maxMs, Math.max(d.minMs, v));
}

/** Waiting time of a Poisson process with `perMin` events a minute; Infinity when the rate is 0. */
export function expDelayMs(rand: () => number, perMin: number): number {
  if (perMin <= 0) return Infinity;
  return (-Math.log(Math.max(rand(), 1e-12)) / perMin) * 60_000;
}

export const pick = <T>(rand: () => number, items: readonly T[]): T | undefined => items[Math.floor(rand() * items.length)];

export const between = (rand: () => number, min: number, max: number): number => min + Math.floor(rand() * (max - min + 1));
