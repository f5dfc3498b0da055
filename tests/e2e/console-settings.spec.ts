/**
 * Issue 13 item 4 (Show): the Event settings screen and the staff Chat panel through the web host
 * against a real hub, by accessible names. Bad input is refused with a message naming the field
 * and nothing is sent; saved settings reach a real phone page: the reaction set changes its
 * buttons, anonymous questions off removes the choice, moderation mode decides whether a new
 * question waits, extra filter words hold a question back, a stream delay makes a joining phone
 * ask where it watches, chat off hides the phone's chat. Staff read the chat live (virtualized),
 * post, and delete a message, which vanishes from the phone.
 */
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { ADMIN_KEY, ROOT, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { ensureAudienceBuild } from './helpers/audience-env';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, goTo, openConsole, unnamedControls } from './helpers/console-page';
import { ask, boardItem, openChat, openQnA, ownItem, phoneTab, qna } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let page: Page;
let phone: Page;
let code = '';
let eventId = '';

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
  const j = (await (await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).json()) as { eventId: string };
  eventId = j.eventId;
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
  // The buttons draw shipped images (14.10), so their names say which emoji they send.
  await expect.poll(() => bar.getByRole('button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')))).toEqual(['React 🔥', 'React 🚀', 'React 💡']);
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

test('the word filter’s extra words hold back a matching question, even with questions shown at once', async () => {
  await goTo(page, 'Event settings');
  const form = settingsForm(page);
  await form.getByRole('radio', { name: 'Show at once' }).check();
  await form.getByLabel(/Extra words or phrases/).fill('quokka\nbad phrase');
  await save(page);
  await ask(phone, 'Is the QUOKKA real?');
  await ask(phone, 'A plain one');
  await expect(boardItem(phone, 'A plain one')).toBeVisible();
  await expect(ownItem(phone, 'Is the QUOKKA real?')).toContainText('Waiting for the moderator');
  await expect(boardItem(phone, 'Is the QUOKKA real?')).toHaveCount(0);
  await goTo(page, 'Q&A');
  // The segmented filter's label covers its radio: click what a person clicks.
  await page.locator('label', { has: page.getByRole('radio', { name: /Flagged/ }) }).click();
  await expect(page.getByRole('radio', { name: /Flagged/ })).toBeChecked();
  await expect(page.getByTestId('qa-queue')).toContainText('Is the QUOKKA real?');
  await expect(page.getByTestId('qa-queue')).not.toContainText('A plain one');
  // Back to reviewing first, as the later tests expect.
  await goTo(page, 'Event settings');
  await form.getByRole('radio', { name: 'Review first' }).check();
  await save(page);
});

test('a stream delay makes a joining phone ask whether it watches the room or the stream', async ({ browser }) => {
  await goTo(page, 'Event settings');
  const form = settingsForm(page);
  await form.getByRole('textbox', { name: /Stream delay/ }).fill('4.5');
  await save(page);
  const viewer = await browser.newPage({ viewport: { width: 390, height: 844 } });
  try {
    await viewer.goto(`${hub.url}/j/${code}`);
    await viewer.getByRole('button', { name: 'Join' }).click();
    await expect(viewer.getByRole('group', { name: 'Where are you watching?' })).toBeVisible();
  } finally {
    await viewer.close();
  }
  await form.getByRole('textbox', { name: /Stream delay/ }).fill('0');
  await save(page);
  await expect(form.getByRole('textbox', { name: /Stream delay/ })).toHaveValue('0');
});

const phoneChat = (p: Page) => p.getByRole('region', { name: 'Chat' });
const phoneMessages = (p: Page) => phoneChat(p).getByRole('list', { name: 'Chat messages' });
const chatLog = (p: Page) => p.getByTestId('chat-log');

test('chat off hides the phone’s chat box; on brings it back', async () => {
  await goTo(page, 'Event settings');
  await expect((await openChat(phone)).getByRole('textbox', { name: 'Your message' })).toBeVisible();
  await settingsForm(page).getByRole('checkbox', { name: 'Audience chat on' }).uncheck();
  await save(page);
  // Gone from the page, not just hidden: the tab goes and the phone is back on Live.
  await expect(phoneTab(phone, 'Chat')).toHaveCount(0);
  await expect(phone.locator('section.chat')).toHaveCount(0);
  await expect(phoneTab(phone, 'Live')).toHaveAttribute('aria-selected', 'true');
  await settingsForm(page).getByRole('checkbox', { name: 'Audience chat on' }).check();
  await save(page);
  await expect((await openChat(phone)).getByRole('textbox', { name: 'Your message' })).toBeVisible();
});

test('staff Chat: a phone’s message arrives live, a staff post reaches the phone, a deleted message vanishes from it', async () => {
  await goTo(page, 'Chat');
  await expect(page.getByTestId('chat-setting')).toContainText('Audience chat is on');
  expect(await unnamedControls(page), 'unnamed controls on Chat').toEqual([]);

  await openChat(phone);
  await phoneChat(phone).getByRole('textbox', { name: 'Your message' }).fill('Hello from row 5');
  await phoneChat(phone).getByRole('button', { name: 'Send message' }).click();
  await expect(chatLog(page)).toContainText('Hello from row 5');

  const composer = page.getByRole('form', { name: 'Post to the chat' });
  await composer.getByRole('button', { name: 'Post' }).click();
  await expect(composer.getByRole('alert')).toHaveText(/Write a message first/);
  await composer.getByLabel('Message as staff').fill('Welcome, everyone');
  await composer.getByLabel('Message as staff').press('Enter');
  await expect(composer.getByLabel('Message as staff')).toHaveValue('');
  const staffPost = phoneMessages(phone).getByRole('listitem').filter({ hasText: 'Welcome, everyone' });
  await expect(staffPost).toContainText('Staff');

  await page.getByRole('button', { name: 'Delete message from Anonymous: Hello from row 5' }).click();
  await expect(phoneMessages(phone)).not.toContainText('Hello from row 5');
  await expect(chatLog(page)).not.toContainText('Hello from row 5');
  await expect(phoneMessages(phone)).toContainText('Welcome, everyone');
});

test('a long chat is virtualized and follows the newest message; the nav counts what arrived unread', async () => {
  await goTo(page, 'Event settings');
  const t = await staffToken(hub.url, eventId, 'moderator', 'Bot');
  const bot = await TestClient.connect(hub.url, t.token);
  try {
    const acks = await Promise.all(Array.from({ length: 120 }, (_, i) => bot.pub(`chat-${i}`, 'chat.send', { messageId: `bulk-${i}`, text: `Bulk message ${i + 1}` })));
    expect(acks.every((a) => a.t === 'ack' && a.applied)).toBe(true);
  } finally {
    bot.close();
  }
  const nav = page.getByRole('navigation', { name: 'Screens' });
  await expect(nav.getByRole('button', { name: 'Chat 100 unread' })).toBeVisible();
  await goTo(page, 'Chat');
  await expect(nav.getByRole('button', { name: 'Chat', exact: true })).toBeVisible();
  // The hub keeps the latest 100 (P20); the console draws only the rows on screen.
  await expect(chatLog(page)).toHaveAttribute('aria-label', 'Chat, 100 messages');
  await expect(chatLog(page).getByText('Bulk message 120', { exact: true })).toBeInViewport();
  expect(await chatLog(page).getByRole('listitem').count()).toBeLessThan(40);
  if (process.env.STAGECALL_UI_SHOTS) await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/console-chat-light.png') });
  await openChat(phone);
  await expect(phoneMessages(phone)).toContainText('Bulk message 120');
  if (process.env.STAGECALL_UI_SHOTS) await phoneChat(phone).screenshot({ path: path.join(ROOT, 'docs/screenshots/audience-chat.png') });
});
