/**
 * Issue 13 (Show): editing the run of show through the web host against a real hub, by
 * accessible names. Edit a draft poll's options and an open poll's question; duplicate, delete,
 * reorder; 50 polls created fast stay in creation order in two consoles; a timed poll closes by
 * itself on the console and the phone; ending the event closes what is open and the phone says so.
 */
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_KEY, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, goTo, openConsole } from './helpers/console-page';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let page: Page;
let code = '';
let eventId = '';

const cueList = (p: Page) => p.getByRole('list', { name: 'Polls and quizzes' });
/** A cue's select button (its accessible name starts with its number and kind). */
const cueButton = (p: Page, title: string) => cueList(p).locator('button.cue-item').filter({ hasText: title });
const cueTitles = async (p: Page): Promise<string[]> => cueList(p).locator('.cue-title').allTextContents();

async function newDraftPoll(p: Page, question: string, options: string[], timerSec?: number): Promise<void> {
  await goTo(p, 'Run of show');
  await p.getByRole('button', { name: '+ New poll' }).click();
  const form = p.getByRole('form', { name: 'New poll' });
  await form.getByRole('radio', { name: 'Single choice' }).check();
  await form.getByLabel('Question').fill(question);
  for (let i = 2; i < options.length; i++) await form.getByRole('button', { name: '+ Add option' }).click();
  for (const [i, o] of options.entries()) await form.getByRole('textbox', { name: `Option ${i + 1}`, exact: true }).fill(o);
  if (timerSec !== undefined) {
    await form.getByRole('checkbox', { name: 'Close voting automatically' }).check();
    await form.getByLabel('Seconds after opening').fill(String(timerSec));
  }
  await form.getByRole('button', { name: 'Create poll' }).click();
  await expect(cueButton(p, question)).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await openConsole(page, host.url);
  code = await createEventOnHub(page, hub.url, ADMIN_KEY, 'Producer show');
  const j = (await (await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).json()) as { eventId: string };
  eventId = j.eventId;
});

test.afterAll(async () => {
  await page?.close();
  await host?.stop();
  await hub?.kill();
});

test('edit a draft poll’s options, then an open poll’s question (options locked once open)', async () => {
  await newDraftPoll(page, 'Lunch where?', ['Pizza', 'Sushi']);
  await page.getByRole('group', { name: 'Edit cue' }).getByRole('button', { name: 'Edit' }).click();
  let form = page.getByRole('form', { name: 'Edit poll' });
  await form.getByRole('button', { name: '+ Add option' }).click();
  await form.getByRole('textbox', { name: 'Option 2', exact: true }).fill('Ramen');
  await form.getByRole('textbox', { name: 'Option 3', exact: true }).fill('Tacos');
  await form.getByRole('button', { name: 'Save changes' }).click();
  const card = page.getByTestId('poll-card').filter({ hasText: 'Lunch where?' });
  const results = card.getByRole('list', { name: 'Results' });
  await expect(results).toContainText('Ramen');
  await expect(results).toContainText('Tacos');
  await expect(results).not.toContainText('Sushi');

  await card.getByRole('button', { name: 'Open voting' }).click();
  await expect(card.getByTestId('poll-status')).toHaveText(/Voting open/);
  await page.getByRole('group', { name: 'Edit cue' }).getByRole('button', { name: 'Edit' }).click();
  form = page.getByRole('form', { name: 'Edit poll' });
  await expect(form.getByRole('textbox', { name: 'Option 1', exact: true })).toBeDisabled();
  await form.getByLabel('Question').fill('Lunch where, today?');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('poll-card').getByRole('heading', { name: 'Lunch where, today?' })).toBeVisible();
});

test('duplicate, delete and reorder (buttons and Shift+K), shown in the run-of-show order', async () => {
  await newDraftPoll(page, 'Second cue?', ['Yes', 'No']);
  await page.getByRole('group', { name: 'Edit cue' }).getByRole('button', { name: 'Duplicate' }).click();
  await expect.poll(() => cueTitles(page)).toEqual(['Lunch where, today?', 'Second cue?', 'Second cue?']);
  // The copy is selected and a draft of its own: delete it.
  await expect(cueList(page).locator('[aria-current="true"]')).toContainText('Draft');
  await page.getByRole('group', { name: 'Edit cue' }).getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => cueTitles(page)).toEqual(['Lunch where, today?', 'Second cue?']);

  await cueList(page).getByRole('button', { name: 'Move “Second cue?” up' }).click();
  await expect.poll(() => cueTitles(page)).toEqual(['Second cue?', 'Lunch where, today?']);
  await cueButton(page, 'Lunch where, today?').click();
  await page.locator('main').focus();
  await page.keyboard.press('Shift+K');
  await expect.poll(() => cueTitles(page)).toEqual(['Lunch where, today?', 'Second cue?']);
});

test('50 polls created fast stay in creation order, the same in a second console', async ({ browser }) => {
  const t = await staffToken(hub.url, eventId, 'host', 'Script');
  const fast = await TestClient.connect(hub.url, t.token);
  try {
    // Pipelined: all 50 sent before the first ack comes back.
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        fast.pub(`bulk-${i}`, 'poll.create', { pollId: `bulk-${String(i).padStart(2, '0')}-${i * 7919 % 97}`, question: `Poll #${i + 1}`, kind: 'wordcloud' }),
      ),
    );
    expect(acks.every((a) => a.t === 'ack' && a.applied)).toBe(true);
  } finally {
    fast.close();
  }
  const expected = ['Lunch where, today?', 'Second cue?', ...Array.from({ length: 50 }, (_, i) => `Poll #${i + 1}`)];
  await expect.poll(() => cueTitles(page), { timeout: 30_000 }).toEqual(expected);

  const second = await startConsoleHost(['--hub', hub.url, '--token', (await staffToken(hub.url, eventId, 'producer', 'Pat')).token]);
  const other = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await openConsole(other, second.url);
    await goTo(other, 'Run of show');
    await expect.poll(() => cueTitles(other), { timeout: 30_000 }).toEqual(expected);
    // j moves the selection, and the list keeps it in view.
    await cueButton(page, 'Poll #1').first().click();
    await page.locator('main').focus();
    for (let i = 0; i < 40; i++) await page.keyboard.press('j');
    const selected = cueList(page).locator('[aria-current="true"]');
    await expect(selected).toContainText('Poll #41');
    await expect(selected).toBeInViewport();
  } finally {
    await other.close();
    await second.stop();
  }
});

test('a timed poll closes by itself on the console and the phone; ending the event closes what is open and the phone says so', async ({ browser }) => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  try {
    await phone.goto(`${hub.url}/j/${code}`);
    await phone.getByRole('button', { name: 'Join' }).click();
    await expect(phone.getByRole('heading', { level: 1, name: 'Producer show' })).toBeVisible();

    await newDraftPoll(page, 'Quick one?', ['Up', 'Down'], 4);
    const card = page.getByTestId('poll-card').filter({ hasText: 'Quick one?' });
    await card.getByRole('button', { name: 'Open voting' }).click();
    const phonePoll = phone.getByRole('region', { name: 'Quick one?' });
    await expect(phonePoll.getByRole('timer', { name: 'Time left to vote' })).toBeVisible();
    await expect(card.getByTestId('poll-status')).toHaveText(/Closed/, { timeout: 30_000 });
    // A closed poll with hidden results leaves the phone: nothing to vote on any more.
    await expect(phonePoll).toBeHidden({ timeout: 30_000 });

    // Ending the event closes the poll that is still open, in the same entry.
    await cueButton(page, 'Second cue?').click();
    const second = page.getByTestId('poll-card').filter({ hasText: 'Second cue?' });
    await second.getByRole('button', { name: 'Open voting' }).click();
    await expect(phone.getByRole('region', { name: 'Second cue?' })).toContainText('voting open');
    await goTo(page, 'Setup');
    // The radio follows the hub's state (it checks once the hub applied it), so click, not check.
    await page.getByRole('radio', { name: 'Ended' }).click();
    await expect(phone.getByText('This event has ended')).toBeVisible({ timeout: 30_000 });
    // Every open poll closed with it: the phone offers no choices at all.
    await expect(phone.getByRole('group', { name: 'Choices' })).toHaveCount(0);
    await goTo(page, 'Run of show');
    await expect(second.getByTestId('poll-status')).toHaveText(/Closed/);
  } finally {
    await phone.close();
  }
});
