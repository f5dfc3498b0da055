/**
 * The vote workload of the reducer benchmarks (bench/reducers.ts, bench/lib/reducer-ab.ts): the
 * same polls, clients and ballots on every run, so two runs or two trees fold the same log.
 */
import type { EventState, LogEntry } from '../../src/shared/domain';

/** xorshift32: the same workload on every run. */
export function rng(seed: number): (n: number) => number {
  let x = seed | 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

/** Log entries as the hub stamps them, serials from 1. */
export class Log {
  serial = 0;
  entry(name: string, data: unknown, clientId = 'host-1', role: LogEntry['role'] = 'host', author: string | null = 'Host'): LogEntry {
    this.serial++;
    return { serial: this.serial, ts: 1_700_000_000_000 + this.serial * 10, clientId, role, author, name, id: `m${this.serial}`, data };
  }
}

export const clientIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `aud-${i.toString(36).padStart(5, '0')}-${(i * 7919) % 1000}`);
export const options = (n: number): Array<{ id: string; label: string }> => Array.from({ length: n }, (_, i) => ({ id: `o${i + 1}`, label: `Option ${i + 1}` }));
const KINDS = ['single', 'multiple', 'rating'] as const;

/** Opens `count` polls (single, multiple, rating in turn); `reduce` is the tree under test's. */
export function createPolls(log: Log, s: EventState, count: number, reduce: (s: EventState, e: LogEntry) => EventState): EventState {
  for (let p = 0; p < count; p++) {
    s = reduce(s, log.entry('poll.create', { pollId: `poll-${p}`, question: `Poll ${p}?`, kind: KINDS[p % 3], options: options(p % 3 === 1 ? 5 : 4) }));
    s = reduce(s, log.entry('poll.open', { pollId: `poll-${p}` }));
  }
  return s;
}

/** The data of a random valid ballot on poll `p` (shared objects: the reducer copies nothing from them). */
export function ballotPool(polls: number): unknown[][] {
  return Array.from({ length: polls }, (_, p) => {
    const n = p % 3 === 1 ? 5 : 4;
    const singles = Array.from({ length: n }, (_, i) => ({ pollId: `poll-${p}`, optionIds: [`o${i + 1}`] }));
    if (p % 3 !== 1) return singles;
    return [...singles, ...Array.from({ length: n - 1 }, (_, i) => ({ pollId: `poll-${p}`, optionIds: [`o${i + 1}`, `o${i + 2}`] }))];
  });
}
