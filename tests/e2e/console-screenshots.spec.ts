/**
 * Screenshots of every console screen in light and dark at 1440x900 (docs/screenshots/
 * console-<screen>-<theme>.png), taken from a real hub mid-show. Gated (STAGECALL_UI_SHOTS=1):
 * it spends ~40 s letting the live charts fill.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { ADMIN_KEY, ROOT, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { closeAll, joinMany, type Member } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { goTo, openConsole } from './helpers/console-page';
import { keepBusy, seedShow } from './helpers/seed-show';
import { joinAudience } from '../helpers/hub-process';
import { skipUnless } from './helpers/skip-unless';

skipUnless(Boolean(process.env.STAGECALL_UI_SHOTS), 'console-screenshots.spec', 'set STAGECALL_UI_SHOTS=1 to refresh docs/screenshots');
test.setTimeout(240_000);

let hub: HubProcess | null = null;
let host: ConsoleHost | null = null;
let members: Member[] = [];

test.afterAll(async () => {
  closeAll(members);
  await host?.stop();
  await hub?.kill();
});

const SCREENS = [
  { name: 'Run of show', file: 'run' },
  { name: 'Q&A', file: 'qa' },
  { name: 'Live', file: 'live' },
  { name: 'Connection', file: 'connection' },
  { name: 'Setup', file: 'setup' },
  { name: 'Chat', file: 'chat' },
  { name: 'Event settings', file: 'settings' },
  { name: 'Overlays', file: 'overlays' },
] as const;

test('UI-5 the first screen, before any event', async ({ page }) => {
  const fresh = await startConsoleHost([]);
  try {
    await page.setViewportSize({ width: 1440, height: 900 });
    await openConsole(page, fresh.url);
    await expect(page.getByRole('form', { name: 'Start a local event' })).toBeVisible();
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await page.screenshot({ path: path.join(ROOT, 'docs/screenshots', `console-start-${theme}.png`) });
    }
  } finally {
    await fresh.stop();
  }
});

test('UI-5 screenshots of each screen, light and dark', async ({ page }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url, '--admin-key', ADMIN_KEY, '--title', 'Spring product keynote', '--name', 'Ana (host)']);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openConsole(page, host.url);
  const code = (await page.getByTestId('topbar-join-code').textContent()) ?? '';
  const probe = await joinAudience(hub.url, code, 'probe');
  const t = await staffToken(hub.url, probe.eventId, 'host', 'Seeder');
  members = await joinMany(hub.url, code, 60);
  await seedShow(hub.url, t.token, members);
  const stop = keepBusy(members);
  await expect(page.getByTestId('poll-card').or(page.getByTestId('quiz-card')).first()).toBeVisible();
  // A few actions from the UI itself, so the outbox has a history.
  await page.locator('[data-cue-id="p-main"]').click();
  await page.getByRole('button', { name: 'Show results' }).click();
  await goTo(page, 'Q&A');
  await page.locator('.qa-row[data-question-id="q-4"]').getByRole('button', { name: 'Approve' }).click();
  await page.locator('.qa-row[data-question-id="q-6"]').getByRole('button', { name: 'Reject' }).click();
  // Let the dashboard collect a good stretch of seconds.
  await goTo(page, 'Live');
  await expect.poll(() => page.locator('.chart-line').count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
  await page.waitForTimeout(40_000); // charts fill one point a second: not a correctness wait
  stop();

  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    for (const s of SCREENS) {
      await goTo(page, s.name);
      if (s.file === 'run') await page.locator('[data-cue-id="p-main"]').click();
      if (s.file === 'qa') {
        await page.getByRole('radio', { name: /All/ }).check();
        await page.locator('main').focus();
      }
      await page.waitForTimeout(400); // a frame for layout and the chart's resize observer
      await page.screenshot({ path: path.join(ROOT, 'docs/screenshots', `console-${s.file}-${theme}.png`) });
    }
  }
  // Extra: the quiz in progress, the offline banner's look is covered by UI-3.
  await page.emulateMedia({ colorScheme: 'light' });
  await goTo(page, 'Run of show');
  await page.locator('[data-cue-id="quiz-1"]').click();
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshots', 'console-run-quiz-light.png') });
  await page.locator('[data-cue-id="p-words"]').click();
  await page.screenshot({ path: path.join(ROOT, 'docs/screenshots', 'console-run-wordcloud-light.png') });
});
