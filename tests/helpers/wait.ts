/**
 * Waiting on a condition, never a fixed sleep: polls `check` (a throw counts as "not yet" and is
 * reported if the deadline passes); the deadline only bounds a failure. Plain timers, not
 * vi.waitFor, so that benchmarks (which run outside vitest) share these helpers.
 */
type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

/** Resolves with the first value `check` gives that is neither undefined nor false. */
export async function waitUntil<T>(check: Check<T>, what: string | (() => string), timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
      last = null;
    } catch (err) {
      last = err;
    }
    if (Date.now() - started >= timeoutMs) {
      const why = last instanceof Error ? ` (last error: ${last.message})` : '';
      throw new Error(`timed out after ${Date.now() - started} ms waiting for ${typeof what === 'string' ? what : what()}${why}`, { cause: last ?? undefined });
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
