/**
 * Issue 5.5 (Show, offline): with the hub down, closing a poll and approving a question still
 * work in the UI and show as queued under a clear banner; when the hub comes back (same data,
 * same port) both are delivered exactly once and the banner clears.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { createEvent, ROOT, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import type { StaffView } from '../../src/shared/domain/types';
import { closeAll, joinMany, type Member } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createOpenSingleChoicePoll, goTo, openConsole, pollIdOf, questionRow } from './helpers/console-page';

let hub: HubProcess | null = null;
let host: ConsoleHost | null = null;
let members: Member[] = [];

test.afterAll(async () => {
  closeAll(members);
  await host?.stop();
  await hub?.kill();
});

test('UI-3 offline: actions queue under a banner and are delivered once when the hub returns', async ({ page }) => {
  hub = await startHubProcess();
  const { port, dataDir } = hub;
  const ev = await createEvent(hub.url, 'Offline drill');
  const t = await staffToken(hub.url, ev.eventId, 'host', 'Host');
  host = await startConsoleHost(['--hub', hub.url, '--token', t.token]);
  await openConsole(page, host.url);
  await expect(page.getByRole('status', { name: 'Link: Connected' })).toBeVisible();

  const card = await createOpenSingleChoicePoll(page, 'Coffee or tea?', ['Coffee', 'Tea']);
  const pollId = await pollIdOf(card);
  members = await joinMany(hub.url, ev.joinCode, 1);
  const asker = members[0] as Member;
  await asker.client.pub('ask-1', 'question.ask', { questionId: 'q-off', text: 'Will the slides be shared?' });
  await goTo(page, 'Q&A');
  await expect(questionRow(page, 'q-off')).toBeVisible();
  closeAll(members);
  members = [];

  // The hub goes away.
  await hub.kill();
  hub = null;
  const banner = page.getByTestId('offline-banner');
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText('Offline');

  // Both actions still work, and show as queued.
  await pressApprove(page);
  await expect(questionRow(page, 'q-off').getByTestId('pending')).toContainText('Approve — queued');
  await goTo(page, 'Run of show');
  await card.getByRole('button', { name: 'Close voting' }).click();
  await expect(card.getByTestId('pending')).toContainText('Close poll — queued');
  await expect(banner).toContainText('2 actions queued; they will be sent in order when the connection returns');
  await expect(page.getByTestId('outbox-count')).toHaveText(/2 queued/);
  if (process.env.STAGECALL_UI_SHOTS) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/console-offline-light.png') });
  }

  // Same data, same port: the console finds it again by itself.
  hub = await startHubProcess({ dataDir, port, args: [] });
  await expect(banner).toBeHidden({ timeout: 60_000 });
  await expect(card.getByTestId('poll-status')).toHaveText(/Closed/);
  await expect(card.getByTestId('pending')).toHaveCount(0);
  await expect(page.getByTestId('outbox-count')).toHaveText(/Outbox empty/);

  // Delivered exactly once: the hub's log holds one of each.
  const staff = await TestClient.connect(hub.url, t.token);
  staff.send({ t: 'history', from: 1, limit: 1000 });
  const hist = await staff.waitFor((f) => f.t === 'history');
  const entries = hist.t === 'history' ? hist.entries : [];
  expect(entries.filter((e) => e.name === 'poll.close' && (e.data as { pollId?: string }).pollId === pollId)).toHaveLength(1);
  expect(entries.filter((e) => e.name === 'question.moderate' && (e.data as { questionId?: string }).questionId === 'q-off')).toHaveLength(1);
  staff.send({ t: 'sub', view: 'staff' });
  const view = (await staff.until(() => staff.views.staff)).doc as StaffView;
  expect(view.questions['q-off']?.status).toBe('approved');
  expect(view.polls[pollId]?.status).toBe('closed');
  staff.close();

  // And the Connection screen shows them acknowledged.
  await goTo(page, 'Connection');
  const outbox = page.getByRole('table', { name: 'Outbox' });
  await expect(outbox.locator('tr[data-name="poll.close"]')).toHaveAttribute('data-state', 'acknowledged');
  await expect(outbox.locator('tr[data-name="question.moderate"]')).toHaveAttribute('data-state', 'acknowledged');
});

async function pressApprove(page: import('@playwright/test').Page): Promise<void> {
  await expect(questionRow(page, 'q-off')).toHaveAttribute('aria-current', 'true');
  await page.locator('main').focus();
  await page.keyboard.press('a');
}
