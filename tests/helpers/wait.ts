/** Waiting on a condition, never a fixed sleep: vi.waitFor polls; the deadline only bounds a failure. */
import { vi } from 'vitest';

type Check<T> = () => T | undefined | false | Promise<T | undefined | false>;

/** Resolves with the first value `check` gives that is neither undefined nor false. */
export async function waitUntil<T>(check: Check<T>, what: string | (() => string), timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const started = Date.now();
  try {
    return await vi.waitFor(
      async () => {
        const v = await check();
        if (v === undefined || v === false) throw new Error('not yet');
        return v;
      },
      { timeout: timeoutMs, interval: everyMs },
    );
  } catch (err) {
    const why = err instanceof Error && err.message !== 'not yet' ? ` (last error: ${err.message})` : '';
    throw new Error(`timed out after ${Date.now() - started} ms waiting for ${typeof what === 'string' ? what : what()}${why}`, { cause: err });
  }
}
