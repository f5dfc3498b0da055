/**
 * P31: closing a node's sockets evenly over a window, so a deploy is a trickle of reconnects
 * instead of a storm. The k-th of N sockets (oldest first) closes at (k+1)·D/N; a socket that
 * closed by itself meanwhile is skipped. One coarse timer, not one per socket.
 */

export interface Closable {
  close(code: number, reason: string): void;
}

export interface DrainPlan {
  /** Resolves once every socket was closed (or had gone by itself). */
  readonly done: Promise<void>;
  /** Sockets still to close. */
  remaining(): number;
}

/** The timer granularity: fine enough to stay even, coarse enough to cost nothing. */
const MAX_STEP_MS = 100;

export function drainEvenly<T extends Closable>(items: readonly T[], windowMs: number, code: number, reason: string, now: () => number = Date.now): DrainPlan {
  const queue = [...items];
  const n = queue.length;
  const start = now();
  let closed = 0;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));

  const closeDue = (): boolean => {
    const elapsed = now() - start;
    const due = windowMs <= 0 ? n : Math.min(n, Math.floor((elapsed * n) / windowMs));
    while (closed < due) {
      const item = queue[closed++];
      try {
        item?.close(code, reason);
      } catch {
        // a socket that fails to close is already gone
      }
    }
    return closed >= n;
  };

  if (closeDue()) resolve();
  else {
    const step = Math.max(1, Math.min(MAX_STEP_MS, windowMs / n));
    const timer = setInterval(() => {
      if (!closeDue()) return;
      clearInterval(timer);
      resolve();
    }, step);
  }
  return { done, remaining: () => n - closed };
}
