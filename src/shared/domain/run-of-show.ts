/** P28's run-of-show order: every poll and quiz id, creation order unless `cue.order` said otherwise. */
import { isId } from './data-guards';
import { pget } from './pmap';
import { no, ok, type Handler } from './result';
import type { EventState } from './state';

/** Poll and quiz ids share one order, so an id names at most one cue of either kind. */
export const cueExists = (s: EventState, id: string): boolean => pget(s.polls, id) !== undefined || pget(s.quizzes, id) !== undefined;

export const withCueLast = (s: EventState, id: string): string[] => [...s.order, id];

export const withoutCue = (s: EventState, id: string): string[] => s.order.filter((x) => x !== id);

/** Listed known ids first (first mention wins), then every other cue in its current relative order. */
export function reorder(order: readonly string[], wanted: readonly unknown[]): string[] {
  const known = new Set(order);
  const first: string[] = [];
  const taken = new Set<string>();
  for (const id of wanted) {
    if (typeof id !== 'string' || !known.has(id) || taken.has(id)) continue;
    taken.add(id);
    first.push(id);
  }
  return [...first, ...order.filter((id) => !taken.has(id))];
}

export const cueOrder: Handler = (s, _e, d) => {
  if (!Array.isArray(d.order) || !d.order.every(isId)) return no(s, 'invalid');
  const next = reorder(s.order, d.order);
  if (next.every((id, i) => id === s.order[i])) return no(s, 'no_change');
  return ok({ ...s, order: next });
};
