/**
 * Issue 14.7, the team-token part: tokens a host issues are listed with their role, what that
 * role may do and how to use the token; Revoke (after a confirmation) goes through the console's
 * core to the hub's P32 `POST /v1/revoke`, so the teammate connected with it is disconnected
 * (4001) and refused from then on, while the list shows it revoked, also after a reload.
 */
import { expect, test } from '@playwright/test';
import { ADMIN_KEY, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, goTo, openConsole } from './helpers/console-page';
import { shot } from './helpers/audience-env';

let hub: HubProcess | null = null;
let consoleHost: ConsoleHost | null = null;

test.beforeAll(async () => {
  hub = await startHubProcess();
  consoleHost = await startConsoleHost([]);
});

test.afterAll(async () => {
  await consoleHost?.stop();
  await hub?.kill();
});

test('14.7 issued team tokens are listed with a usage hint; Revoke disconnects the teammate and the hub refuses the token', async ({ page }) => {
  const h = hub as HubProcess;
  await openConsole(page, (consoleHost as ConsoleHost).url);
  await createEventOnHub(page, h.url, ADMIN_KEY, 'Team tokens');
  await goTo(page, 'Setup');
  const invite = page.getByRole('form', { name: 'Invite a teammate' });
  const list = page.getByRole('list', { name: 'Issued team tokens' });

  await invite.getByLabel('Role').selectOption('moderator');
  await invite.getByLabel('Name').fill('Mo');
  await invite.getByRole('button', { name: 'Issue token' }).click();
  const token = await page.getByRole('textbox', { name: 'Token for Mo (moderator)' }).inputValue();
  await invite.getByLabel('Role').selectOption('producer');
  await invite.getByLabel('Name').fill('Pat');
  await invite.getByRole('button', { name: 'Issue token' }).click();

  const mo = list.getByRole('listitem', { name: 'Mo (moderator)' });
  const pat = list.getByRole('listitem', { name: 'Pat (producer)' });
  await expect(mo).toContainText('Moderates Q&A');
  await expect(mo).toContainText(`Join with a token`);
  await expect(mo).toContainText(h.url);
  await expect(pat).toContainText('Cannot change the show');

  // Mo is connected with the token; Pat too.
  const moClient = await TestClient.connect(h.url, token);
  expect(moClient.frames[0]?.t).toBe('welcome');
  const patToken = await page.getByRole('textbox', { name: 'Token for Pat (producer)' }).inputValue();
  const patClient = await TestClient.connect(h.url, patToken);
  expect(patClient.frames[0]?.t).toBe('welcome');

  await mo.getByRole('button', { name: 'Revoke…' }).click();
  await expect(mo).toContainText('Revoke Mo’s token?');
  await page.screenshot({ path: shot('console-team-tokens.png') });
  await mo.getByRole('button', { name: 'Yes, revoke' }).click();
  expect((await moClient.waitClosed()).code).toBe(4001);
  await expect(mo).toContainText('Revoked');
  await expect(mo.getByRole('button', { name: 'Revoke…' })).toHaveCount(0);
  const again = await TestClient.connect(h.url, token);
  expect(again.frames[0]).toMatchObject({ t: 'error', code: 'unauthorized', message: 'token revoked' });
  expect(patClient.closed).toBeNull(); // only Mo

  // The list is the console's own record: a reload still shows who was revoked.
  await page.reload();
  await goTo(page, 'Setup');
  await expect(page.getByRole('list', { name: 'Issued team tokens' }).getByRole('listitem', { name: 'Mo (moderator)' })).toContainText('Revoked');
  await expect(page.getByRole('list', { name: 'Issued team tokens' }).getByRole('listitem', { name: 'Pat (producer)' }).getByRole('button', { name: 'Revoke…' })).toBeVisible();
  patClient.close();
});
