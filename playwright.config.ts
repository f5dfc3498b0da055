/**
 * Playwright end-to-end tests (tests/e2e): the system Chromium, one worker (a shared 2-core
 * machine), each spec file starts its own hub. Never `npx playwright install` here.
 */
import { defineConfig } from '@playwright/test';

// Several people (and agents) may run Playwright in this checkout at once; each run cleans its
// outputDir, so each run gets its own (workers inherit the variable from the runner).
process.env.STAGECALL_PW_RUN ??= `${Date.now().toString(36)}-${process.pid}`;

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: `test-results/pw-${process.env.STAGECALL_PW_RUN}`,
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'retain-on-failure',
  },
});
