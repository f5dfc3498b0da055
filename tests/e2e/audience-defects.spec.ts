/**
 * Issue 14, phone items: a vote changed offline that arrives after the host closed the poll is
 * not dropped silently (14.8).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hostPub, newPhone, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { joinByLink, pollCard } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let stage: Stage;
let context: BrowserContext;
let page: Page;
const Q = 'Pizza or pasta?';

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Late votes');
  await hostPub(stage, 'event.update', { status: 'live' });
  await hostPub(stage, 'poll.create', { pollId: 'p-late', question: Q, kind: 'single', options: [{ id: 'pz', label: 'Pizza' }, { id: 'pa', label: 'Pasta' }] });
  await hostPub(stage, 'poll.open', { pollId: 'p-late' });
  ({ context, page } = await newPhone(browser));
  await joinByLink(page, stage, 'Lou', 'Late votes');
});

test.afterAll(async () => {
  await context?.close();
  await stopStage(stage);
});

test('14.8 a vote changed offline that arrives after the close tells the voter it was not counted', async () => {
  await pollCard(page, Q).getByRole('button', { name: 'Pizza' }).click();
  await expect(pollCard(page, Q).getByText(/Your vote was counted as #\d+ ✓/)).toBeVisible();
  await context.setOffline(true);
  await expect(page.getByText('You are offline')).toBeVisible();
  await pollCard(page, Q).getByRole('button', { name: 'Pasta' }).click();
  await expect(pollCard(page, Q).getByText('Your vote is saved on this phone — waiting to send')).toBeVisible();
  await hostPub(stage, 'poll.close', { pollId: 'p-late' });
  await untilStaff(stage, (v) => (v.polls['p-late']?.status === 'closed' ? true : undefined), 'poll closed');
  await context.setOffline(false);
  const note = page.getByTestId('late-vote');
  await expect(note).toBeVisible({ timeout: 30_000 });
  await expect(note).toContainText(`Your vote was not counted. The poll “${Q}” closed before your vote arrived.`);
  // The hub kept the first ballot.
  const staff = await untilStaff(stage, (v) => (v.polls['p-late']?.tallies?.pz === 1 ? v : undefined), 'first ballot kept');
  expect(staff.polls['p-late']?.tallies?.pa ?? 0).toBe(0);
  await note.getByRole('button', { name: 'OK' }).click();
  await expect(note).toHaveCount(0);
});
