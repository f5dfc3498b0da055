/**
 * Issue 14.2 and 14.3: a console restarted with the same command resumes the same event,
 * online or with the hub down; a new event is asked for with --new-event. A tab whose web
 * host went away says so, and "Ns ago" keeps counting while the hub is away.
 */
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_KEY, startHubProcess, tempDir, type HubProcess } from '../helpers/hub-process';
import { closeAll, joinMany, type Member } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { goTo, openConsole, questionRow } from './helpers/console-page';

let hub: HubProcess | null = null;
const hosts: ConsoleHost[] = [];
let members: Member[] = [];

test.afterAll(async () => {
  closeAll(members);
  for (const h of hosts) await h.stop();
  await hub?.kill();
});

async function start(dataDir: string, extra: string[] = []): Promise<ConsoleHost> {
  const h = await startConsoleHost(['--hub', hubUrl, '--admin-key', ADMIN_KEY, '--title', 'Keynote', ...extra], { dataDir });
  hosts.push(h);
  return h;
}
let hubUrl = '';

const joinCodeOn = async (page: Page): Promise<string> => {
  const code = page.getByTestId('topbar-join-code');
  await expect(code).toHaveText(/^[A-Z0-9]{6}$/);
  return (await code.textContent()) ?? '';
};

const secondsAgo = async (page: Page): Promise<number> => {
  const meta = await questionRow(page, 'q-old').locator('.qa-meta').textContent();
  const m = /(\d+)s ago/.exec(meta ?? '');
  return m ? Number(m[1]) : -1;
};

test('14.2 + 14.3 the same command resumes the same event online and offline; a lost web host says so; "Ns ago" keeps counting', async ({ browser }) => {
  hub = await startHubProcess();
  hubUrl = hub.url;
  const { port, dataDir: hubData } = hub;
  const data = tempDir('console-resume');

  // First run: creates the event.
  const first = await start(data);
  const p1 = await browser.newPage();
  await openConsole(p1, first.url);
  const code = await joinCodeOn(p1);
  members = await joinMany(hub.url, code, 1);
  const ack = await (members[0] as Member).client.pub('ask-old', 'question.ask', { questionId: 'q-old', text: 'Is this the same event?' });
  expect(ack.t).toBe('ack');
  await p1.close();
  await first.stop();

  // Same command after a "crash": the same event, not a new empty one.
  const second = await start(data);
  expect(second.output()).toContain('Resuming');
  const p2 = await browser.newPage();
  await openConsole(p2, second.url);
  expect(await joinCodeOn(p2)).toBe(code);
  await goTo(p2, 'Q&A');
  await expect(questionRow(p2, 'q-old')).toBeVisible();
  await p2.close();
  await second.stop();
  closeAll(members);
  members = [];

  // The hub is down: the same command still starts, offline, on the same event.
  await hub.kill();
  hub = null;
  const third = await start(data);
  const p3 = await browser.newPage();
  await openConsole(p3, third.url);
  expect(await joinCodeOn(p3)).toBe(code);
  await expect(p3.getByTestId('offline-banner')).toBeVisible({ timeout: 30_000 });
  await goTo(p3, 'Q&A');
  await expect(questionRow(p3, 'q-old')).toBeVisible();
  // "Ns ago" advances second by second while offline.
  let seen = await secondsAgo(p3);
  expect(seen).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < 2; i++) {
    const before = seen;
    await expect.poll(() => secondsAgo(p3), { timeout: 4_000, intervals: [250] }).toBeGreaterThan(before);
    seen = await secondsAgo(p3);
  }

  // The web host restarts on another port: the old tab says its console is gone.
  await third.stop();
  const fourth = await start(data);
  const gone = p3.getByTestId('core-gone-banner');
  await expect(gone).toBeVisible({ timeout: 20_000 });
  await expect(gone).toContainText('This window lost its console');
  await expect(p3.getByTestId('offline-banner')).toBeHidden();
  await p3.locator('main').focus();
  await p3.keyboard.press('a');
  await expect(p3.getByRole('status').filter({ hasText: 'lost its console' })).toBeVisible();
  await p3.close();

  // The new tab works, on the same event; a new event is an explicit choice.
  hub = await startHubProcess({ dataDir: hubData, port, args: [] });
  const p4 = await browser.newPage();
  await openConsole(p4, fourth.url);
  expect(await joinCodeOn(p4)).toBe(code);
  await expect(p4.getByRole('status', { name: 'Link: Connected' })).toBeVisible({ timeout: 60_000 });
  await p4.close();
  await fourth.stop();
  const fresh = await start(data, ['--new-event']);
  const p5 = await browser.newPage();
  await openConsole(p5, fresh.url);
  expect(await joinCodeOn(p5)).not.toBe(code);
  await p5.close();
});
