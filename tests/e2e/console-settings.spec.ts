/**
 * Issue 13 item 4 (Show): the Event settings screen through the web host against a real hub, by
 * accessible names. Bad input is refused with a message naming the field and nothing is sent;
 * saved settings reach a real phone page: the reaction set changes its buttons, anonymous
 * questions off removes the choice, moderation mode decides whether a new question waits.
 */
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN_KEY, ROOT, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { ensureAudienceBuild } from './helpers/audience-env';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, goTo, openConsole, unnamedControls } from './helpers/console-page';
import { ask, boardItem, openQnA, ownItem, qna } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let page: Page;
let phone: Page;
let code = '';

const TITLE = 'Settings show';

async function joinPhone(browser: Browser): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await p.goto(`${hub.url}/j/${code}`);
  await p.getByRole('button', { name: 'Join' }).click();
  await expect(p.getByRole('heading', { level: 1, name: TITLE })).toBeVisible();
  return p;
}

const settingsForm = (p: Page) => p.getByRole('form', { name: 'Event settings' });

/** Saves and waits until the hub acknowledged the change. */
async function save(p: Page): Promise<void> {
  await settingsForm(p).getByRole('button', { name: 'Save settings' }).click();
  await expect(settingsForm(p).getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  ensureAudienceBuild();
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await openConsole(page, host.url);
  code = await createEventOnHub(page, hub.url, ADMIN_KEY, TITLE);
  phone = await joinPhone(browser);
});

test.afterAll(async () => {
  await phone?.close();
  await page?.close();
  await host?.stop();
  await hub?.kill();
});

test('bad input is named field by field and nothing reaches the hub', async () => {
  await goTo(page, 'Event settings');
  const form = settingsForm(page);
  await expect(form.getByLabel(/Reaction emoji/)).toHaveValue('👍 ❤️ 😂 👏 🎉 😮');
  expect(await unnamedControls(page), 'unnamed controls on Event settings').toEqual([]);

  await form.getByLabel(/Reaction emoji/).fill('🔥 hello');
  await form.getByRole('textbox', { name: /Stream delay/ }).fill('90');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('alert').filter({ hasText: '“hello” is not an emoji' })).toBeVisible();
  await expect(form.getByRole('alert').filter({ hasText: 'at most 60 seconds' })).toBeVisible();
  await expect(form.getByLabel(/Reaction emoji/)).toHaveAttribute('aria-invalid', 'true');
  if (process.env.STAGECALL_UI_SHOTS) await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/console-settings-errors-light.png'), fullPage: true });
  // What was typed stays, so it can be fixed; the phone still has the old set.
  await expect(form.getByLabel(/Reaction emoji/)).toHaveValue('🔥 hello');
  await expect(phone.getByRole('button', { name: 'React 👍' })).toBeVisible();

  await form.getByRole('button', { name: 'Discard changes' }).click();
  await expect(form.getByLabel(/Reaction emoji/)).toHaveValue('👍 ❤️ 😂 👏 🎉 😮');
  await expect(form.getByRole('alert')).toHaveCount(0);
});

test('the reaction set changes the phone’s buttons; anonymous questions off removes the choice', async () => {
  const form = settingsForm(page);
  await form.getByLabel(/Reaction emoji/).fill('🔥🚀, 💡');
  await expect(form.getByLabel('Phones show: 🔥 🚀 💡')).toBeVisible();
  await form.getByRole('checkbox', { name: 'Allow anonymous questions' }).uncheck();
  await save(page);

  const bar = phone.getByRole('navigation', { name: 'Reactions' });
  await expect(bar.getByRole('button')).toHaveText(['🔥', '🚀', '💡']);
  await openQnA(phone); // on the Live tab the form is hidden, so the count below would prove nothing
  await expect(qna(phone).getByRole('checkbox', { name: 'Ask anonymously' })).toHaveCount(0);
  // The form shows the hub's values once applied (nothing left as a local draft).
  await expect(form.getByLabel(/Reaction emoji/)).toHaveValue('🔥 🚀 💡');
  await expect(form.getByRole('checkbox', { name: 'Allow anonymous questions' })).not.toBeChecked();
  await expect(form.getByRole('button', { name: 'Discard changes' })).toHaveCount(0);
});

test('moderation mode decides whether a new question waits for a moderator', async () => {
  const form = settingsForm(page);
  await form.getByRole('radio', { name: 'Show at once' }).check();
  await save(page);
  await expect(form.getByRole('radio', { name: 'Show at once' })).toBeChecked();

  await ask(phone, 'Straight to the board?');
  await expect(boardItem(phone, 'Straight to the board?')).toBeVisible();

  await form.getByRole('radio', { name: 'Review first' }).check();
  await save(page);
  await expect(form.getByRole('radio', { name: 'Review first' })).toBeChecked();
  await ask(phone, 'Does this one wait?');
  await expect(ownItem(phone, 'Does this one wait?')).toContainText('Waiting for the moderator');
  await expect(boardItem(phone, 'Does this one wait?')).toHaveCount(0);
  await goTo(page, 'Q&A');
  await expect(page.getByTestId('qa-queue')).toContainText('Does this one wait?');
});
