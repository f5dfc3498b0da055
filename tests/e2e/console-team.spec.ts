/**
 * Issue 14, the remainders of items 6 and 7 on a host's and a moderator's console: "Open voting"
 * cannot be pressed twice while the first open waits offline, and a console joined with a
 * moderator token shows the event's join code (from the hub's welcome, kept for offline restarts).
 */
import { expect, test, type Page } from '@playwright/test';
import { createEvent, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { goTo, openConsole, pressKeys } from './helpers/console-page';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess | null = null;
let ev: { eventId: string; joinCode: string };
let hostToken = '';
let modToken = '';
const hosts: ConsoleHost[] = [];

const consoleWith = async (page: Page, token: string, dataDir?: string): Promise<ConsoleHost> => {
  const h = await startConsoleHost(['--hub', (hub as HubProcess).url, '--token', token], dataDir ? { dataDir } : {});
  hosts.push(h);
  await openConsole(page, h.url);
  return h;
};

test.beforeAll(async () => {
  hub = await startHubProcess();
  ev = await createEvent(hub.url, 'Team night');
  hostToken = (await staffToken(hub.url, ev.eventId, 'host', 'Hana')).token;
  modToken = (await staffToken(hub.url, ev.eventId, 'moderator', 'Mo')).token;
});

test.afterAll(async () => {
  for (const h of hosts) await h.stop();
  await hub?.kill();
});

test('14.7 a moderator console joined by token shows the event’s join code, also after an offline restart', async ({ page }) => {
  const mod = await consoleWith(page, modToken);
  await expect(page.getByRole('status', { name: 'Link: Connected' })).toBeVisible();
  await expect(page.getByTestId('topbar-join-code')).toHaveText(ev.joinCode);
  await expect(page.locator('.top-bar .tag', { hasText: 'moderator' })).toBeVisible();

  // The code is remembered: the same command with the hub down still shows it.
  const { port, dataDir } = hub as HubProcess;
  await mod.stop();
  await (hub as HubProcess).kill();
  await consoleWith(page, modToken, mod.dataDir);
  await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('topbar-join-code')).toHaveText(ev.joinCode);
  hub = await startHubProcess({ dataDir, port, args: [] });
});

test('14.6 "Open voting" is disabled while its open is queued offline; the poll opens once when the hub returns', async ({ page }) => {
  await consoleWith(page, hostToken);
  await expect(page.getByRole('status', { name: 'Link: Connected' })).toBeVisible({ timeout: 30_000 });
  await goTo(page, 'Run of show');
  await page.getByRole('button', { name: '+ New poll' }).click();
  const form = page.getByRole('form', { name: 'New poll' });
  await form.getByLabel('Question').fill('Stay for drinks?');
  await form.getByRole('textbox', { name: 'Option 1', exact: true }).fill('Yes');
  await form.getByRole('textbox', { name: 'Option 2', exact: true }).fill('No');
  await form.getByRole('button', { name: 'Create poll' }).click();
  const card = page.getByTestId('poll-card').filter({ hasText: 'Stay for drinks?' });
  await expect(card.getByTestId('poll-status')).toHaveText(/Draft/);
  const pollId = (await card.getAttribute('data-poll-id')) ?? '';
  const open = card.getByRole('button', { name: 'Open voting' });
  await expect(open).toBeEnabled();

  const { port, dataDir } = hub as HubProcess;
  await (hub as HubProcess).kill();
  hub = null;
  await expect(page.getByTestId('offline-banner')).toBeVisible({ timeout: 30_000 });
  await open.click();
  await expect(card.getByTestId('pending')).toContainText('Open poll — queued');
  await expect(open).toBeDisabled();
  // Neither the button nor its key queues a second open.
  await pressKeys(page, ['o', 'o']);
  await expect(page.getByTestId('outbox-count')).toHaveText(/\b1 queued/);

  hub = await startHubProcess({ dataDir, port, args: [] });
  await expect(card.getByTestId('poll-status')).toHaveText(/Voting open/, { timeout: 60_000 });
  await expect(page.getByTestId('outbox-count')).toHaveText(/Outbox empty/);
  await expect(open).toBeDisabled();
  const staff = await TestClient.connect(hub.url, hostToken);
  staff.send({ t: 'history', from: 1, limit: 1000 });
  const hist = await staff.waitFor((f) => f.t === 'history');
  staff.close();
  const opens = hist.t === 'history' ? hist.entries.filter((e) => e.name === 'poll.open' && (e.data as { pollId?: string }).pollId === pollId) : [];
  expect(opens).toHaveLength(1);
});
