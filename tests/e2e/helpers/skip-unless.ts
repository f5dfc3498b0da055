/**
 * Skips every test of the calling spec file unless `ready` holds, and prints why: a skipped
 * suite must say so in the run's output, not only in the report.
 */
import { test } from '@playwright/test';

export function skipUnless(ready: boolean, spec: string, reason: string): void {
  if (!ready) console.log(`[${spec}] skipped: ${reason}`);
  test.skip(!ready, reason);
}
