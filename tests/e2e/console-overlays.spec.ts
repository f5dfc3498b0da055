/**
 * Issue 13 item 5 (Show): the console's Overlays screen through the web host against a real hub.
 * Every overlay page is listed with a URL that carries its token; the options change the URL;
 * the copied URL, opened in Chromium, shows the overlay with the options applied and live data;
 * the preview is the same live page.
 */
import path from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ADMIN_KEY, ROOT, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { OVERLAY_VIEWS } from '../../src/shared/overlay-url';
import { closeAll, joinMany, type Member } from './helpers/audience';
import { ensureAudienceBuild } from './helpers/audience-env';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, createOpenSingleChoicePoll, goTo, openConsole, pollIdOf, unnamedControls } from './helpers/console-page';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let context: BrowserContext;
let page: Page;
let members: Member[] = [];
let code = '';

const card = (p: Page, label: string) => p.getByRole('region', { name: `${label} overlay` });

test.beforeAll(async ({ browser }) => {
  ensureAudienceBuild();
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  await openConsole(page, host.url);
  code = await createEventOnHub(page, hub.url, ADMIN_KEY, 'Overlay show');
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(host.url).origin });
});

test.afterAll(async () => {
  closeAll(members);
  await context?.close();
  await host?.stop();
  await hub?.kill();
});

test('every overlay is listed with its URL and token; the options change the URL', async () => {
  await goTo(page, 'Overlays');
  await expect(page.getByText(/producer token named “Overlays”, valid until/)).toBeVisible();
  expect(await unnamedControls(page), 'unnamed controls on Overlays').toEqual([]);
  const labels = { poll: 'Poll', qa: 'Q&A', reactions: 'Reactions', leaderboard: 'Leaderboard' } as const;
  for (const kind of OVERLAY_VIEWS) {
    const url = await card(page, labels[kind]).getByRole('textbox', { name: `${labels[kind]} overlay URL` }).inputValue();
    expect(url).toMatch(new RegExp(`^${hub.url}/overlay/[^/?#]+\\?view=${kind}#token=[\\w.-]+$`));
    await expect(card(page, labels[kind]).getByRole('button', { name: `Copy ${labels[kind]} overlay URL` })).toBeVisible();
  }
  const poll = card(page, 'Poll');
  await poll.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light panels' });
  await poll.getByRole('combobox', { name: 'Background' }).selectOption({ label: 'Green (chroma key)' });
  await poll.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Top right' });
  await poll.getByRole('combobox', { name: 'Size' }).selectOption({ label: 'Large' });
  await expect(poll.getByRole('textbox', { name: 'Poll overlay URL' })).toHaveValue(/\?view=poll&theme=light&bg=green&position=top-right&size=l#token=/);
  await poll.getByRole('combobox', { name: 'Background' }).selectOption({ label: 'Transparent' });
  await expect(poll.getByRole('textbox', { name: 'Poll overlay URL' })).not.toHaveValue(/bg=/);
});

test('the copied URL opened in Chromium shows the overlay with live data; the preview shows it too', async () => {
  const pollCard = await createOpenSingleChoicePoll(page, 'Best stage snack?', ['Popcorn', 'Fruit']);
  const pollId = await pollIdOf(pollCard);
  await goTo(page, 'Overlays');
  const poll = card(page, 'Poll');
  await poll.getByRole('combobox', { name: 'Theme' }).selectOption({ label: 'Light panels' });
  await poll.getByRole('combobox', { name: 'Position' }).selectOption({ label: 'Top right' });
  await poll.getByRole('combobox', { name: 'Poll' }).selectOption({ label: '#1 Best stage snack?' });
  await expect(poll.getByRole('textbox', { name: 'Poll overlay URL' })).toHaveValue(new RegExp(`cue=${pollId}#token=`));
  await poll.getByRole('button', { name: 'Copy Poll overlay URL' }).click();
  await expect(poll.getByRole('button', { name: 'Copy Poll overlay URL' })).toHaveText('✓ Copied');
  const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
  expect(copied).toBe(await poll.getByRole('textbox', { name: 'Poll overlay URL' }).inputValue());

  // The preview is the live page itself.
  const preview = poll.frameLocator('iframe[title="Poll overlay preview"]');
  await expect(preview.getByRole('heading', { name: 'Best stage snack?' })).toBeVisible();

  const overlay = await context.newPage();
  try {
    await overlay.setViewportSize({ width: 1920, height: 1080 });
    await overlay.goto(copied);
    const main = overlay.locator('main[data-ready="yes"]');
    await expect(main).toHaveClass(/ov-theme-light/);
    await expect(main).toHaveClass(/ov-pos-top-right/);
    await expect(overlay.getByRole('heading', { name: 'Best stage snack?' })).toBeVisible();
    await expect(overlay.getByText('Live poll · vote on your phone')).toBeVisible();

    // Live data: three votes arrive, the host shows the results, the bars follow.
    members = await joinMany(hub.url, code, 3);
    const acks = await Promise.all(members.map((m, i) => m.client.pub(`ov-${i}`, 'vote.cast', { pollId, optionIds: [i < 2 ? 'o1' : 'o2'] })));
    expect(acks.every((a) => a.t === 'ack' && a.applied)).toBe(true);
    await goTo(page, 'Run of show');
    await pollCard.getByRole('button', { name: 'Show results' }).click();
    await expect(overlay.getByText('67%')).toBeVisible();
    await expect(overlay.getByText('33%')).toBeVisible();
    await goTo(page, 'Overlays');
    await expect(card(page, 'Poll').frameLocator('iframe[title="Poll overlay preview"]').getByText('67%')).toBeVisible();
    if (process.env.STAGECALL_UI_SHOTS) {
      await overlay.screenshot({ path: path.join(ROOT, 'docs/screenshots/overlay-poll-light-top-right.png') });
      await page.screenshot({ path: path.join(ROOT, 'docs/screenshots/console-overlays-light.png') });
    }
  } finally {
    await overlay.close();
  }
});

test('the links keep their token across visits; it is one revocable entry under Team tokens', async () => {
  const before = await card(page, 'Reactions').getByRole('textbox', { name: 'Reactions overlay URL' }).inputValue();
  await goTo(page, 'Setup');
  const list = page.getByRole('list', { name: 'Issued team tokens' });
  await expect(list.getByRole('listitem', { name: 'Overlays (producer)' })).toHaveCount(1);
  await goTo(page, 'Overlays');
  await expect(card(page, 'Reactions').getByRole('textbox', { name: 'Reactions overlay URL' })).toHaveValue(before);
  // What was chosen for an overlay is still chosen after the visit.
  await expect(card(page, 'Poll').getByRole('combobox', { name: 'Theme' })).toHaveValue('light');
});

test('an overlay address with a wrong option names the problem', async () => {
  const url = await card(page, 'Q&A').getByRole('textbox', { name: 'Q&A overlay URL' }).inputValue();
  const overlay = await context.newPage();
  try {
    await overlay.goto(url.replace('?view=qa', '?view=qa&theme=neon'));
    await expect(overlay.getByRole('alert')).toHaveText('Unknown theme "neon": use dark, light');
  } finally {
    await overlay.close();
  }
});
