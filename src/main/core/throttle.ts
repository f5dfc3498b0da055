/**
 * At most one call per `intervalMs`: the first call runs at once, later ones within the
 * window collapse into one trailing call (so the last state is always delivered).
 */
export interface Throttled {
  (): void;
  /** Runs a pending trailing call now. */
  flush(): void;
  cancel(): void;
}

export function throttle(fn: () => void, intervalMs: number, now: () => number = Date.now): Throttled {
  let lastRun = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = (): void => {
    timer = null;
    lastRun = now();
    fn();
  };
  const t = (() => {
    if (timer) return;
    const wait = lastRun + intervalMs - now();
    if (wait <= 0) run();
    else {
      timer = setTimeout(run, wait);
      timer.unref?.();
    }
  }) as Throttled;
  t.flush = () => {
    if (!timer) return;
    clearTimeout(timer);
    run();
  };
  t.cancel = () => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return t;
}
