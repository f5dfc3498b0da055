/** Folding `outbox` events (whole lists or just the changed items) into the renderer's bounded copy. */
import type { OutboxItem } from '../../../shared/console-api';

export const OUTBOX_KEEP = 1000;

const SETTLED = new Set(['acknowledged', 'refused']);
export const isPending = (i: OutboxItem): boolean => !SETTLED.has(i.state);

/** Upserts by id, keeps queue order (queuedAt, then arrival), drops the oldest settled items past the cap. */
export function mergeOutbox(current: readonly OutboxItem[], incoming: readonly OutboxItem[]): OutboxItem[] {
  if (incoming.length === 0) return current as OutboxItem[];
  const byId = new Map<string, OutboxItem>();
  for (const i of current) byId.set(i.id, i);
  for (const i of incoming) byId.set(i.id, i);
  const all = [...byId.values()].sort((a, b) => a.queuedAt - b.queuedAt);
  if (all.length <= OUTBOX_KEEP) return all;
  // Unsettled actions are never dropped: the banner and badges count them.
  let excess = all.length - OUTBOX_KEEP;
  return all.filter((i) => {
    if (excess > 0 && !isPending(i)) {
      excess--;
      return false;
    }
    return true;
  });
}

/** The poll, question or quiz an action is about (from its data). */
export function targetOf(item: OutboxItem): string | null {
  const d = item.data;
  if (d === null || typeof d !== 'object') return null;
  const rec = d as Record<string, unknown>;
  for (const k of ['pollId', 'questionId', 'quizId', 'messageId']) {
    const v = rec[k];
    if (typeof v === 'string') return v;
  }
  return null;
}

/** Counts the current event's unsettled actions (another event's wait until it is rejoined). */
export function summarise(outbox: readonly OutboxItem[], eventId: string | null): { pendingCount: number; pendingByTarget: Map<string, OutboxItem[]> } {
  let pendingCount = 0;
  const pendingByTarget = new Map<string, OutboxItem[]>();
  for (const i of outbox) {
    if (!isPending(i) || i.eventId !== eventId) continue;
    pendingCount++;
    const t = targetOf(i);
    if (!t) continue;
    const list = pendingByTarget.get(t);
    if (list) list.push(i);
    else pendingByTarget.set(t, [i]);
  }
  return { pendingCount, pendingByTarget };
}
