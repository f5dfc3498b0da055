/**
 * P33's hub-wide memory budget for outbound queues: when the bytes queued for all sockets
 * together pass the budget, the connections holding the most are shed first (the slowest
 * readers), until the rest fits again. Each socket is already bounded on its own (HIGH_WATER
 * plus one frame); this bounds their sum under a crowd of slow phones.
 */
export const DEFAULT_QUEUE_BUDGET_BYTES = 256 * 1024 * 1024;

export interface Queued {
  bufferedAmount(): number;
}

/** The connections to shed, largest queue first; empty while the total is within `budget`. */
export function overBudget<T extends Queued>(conns: Iterable<T>, budget: number): T[] {
  let total = 0;
  const queued: Array<{ c: T; bytes: number }> = [];
  for (const c of conns) {
    const bytes = c.bufferedAmount();
    total += bytes;
    if (bytes > 0) queued.push({ c, bytes });
  }
  if (total <= budget) return [];
  queued.sort((a, b) => b.bytes - a.bytes);
  const shed: T[] = [];
  for (const q of queued) {
    if (total <= budget) break;
    shed.push(q.c);
    total -= q.bytes;
  }
  return shed;
}
