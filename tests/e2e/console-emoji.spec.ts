/**
 * The console draws reaction emoji (Event settings' preview of the phones' buttons) and the
 * leaderboard's streak 🔥 from the same shipped Twemoji SVGs as the phone and the overlays
 * (src/shared/ui/emoji-glyph.tsx, issue 14.10), not the system font: this machine's Chromium has
 * no emoji font, where system emoji are boxes. Each glyph is an <img> from the console's own
 * bundled assets that loaded, its pixels are in colour, and the console's CSP stays strict
 * (img-src 'self' data: blob:, no remote hosts) with no violation reported. Needs `npm run build`
 * (the web host serves out/renderer; a stale one is rebuilt).
 */
import { expect, test, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { ADMIN_KEY, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { closeAll, joinMany, type Member } from './helpers/audience';
import { shot } from './helpers/audience-env';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, goTo, openConsole } from './helpers/console-page';
import { colourShare, emojiFonts, glyphState } from './helpers/png-pixels';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let context: BrowserContext;
let page: Page;
let code = '';
let eventId = '';
let members: Member[] = [];
const violations: string[] = [];

const SHIPPED = ['👍', '❤️', '🔥', '🚀', '🎉'];
/** Not in REACTION_PALETTE: drawn by the system font, the control for the colour check. */
const UNSHIPPED = '🦄';

/** A glyph from the console's own assets (not a remote host, not the system font), loaded and in colour. */
async function expectShippedGlyph(img: Locator, emoji: string): Promise<void> {
  await expect(img).toHaveAttribute('data-emoji', emoji);
  await expect.poll(async () => (await glyphState(img)).loaded, { message: `${emoji} glyph loaded` }).toBe(true);
  const { src } = await glyphState(img);
  expect(new URL(src).origin, `${emoji} from the console's own origin`).toBe(new URL(host.url).origin);
  expect(src).toMatch(/\/assets\/[0-9a-f-]+-[\w-]+\.svg$/);
  expect(await colourShare(context, await img.screenshot({ animations: 'disabled' })), `${emoji} in colour`).toBeGreaterThan(0.05);
}

test.beforeAll(async ({ browser }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  page = await context.newPage();
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  await openConsole(page, host.url);
  code = await createEventOnHub(page, hub.url, ADMIN_KEY, 'Emoji console');
  const j = (await (await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).json()) as { eventId: string };
  eventId = j.eventId;
});

test.afterAll(async () => {
  closeAll(members);
  await context?.close();
  await host?.stop();
  await hub?.kill();
});

test("Event settings previews the phones' reaction buttons with the shipped glyphs, under a strict CSP", async () => {
  const csp = (await page.request.get(host.url)).headers()['content-security-policy'] ?? '';
  const imgSrc = /(?:^|;\s*)img-src ([^;]*)/.exec(csp)?.[1];
  expect(imgSrc, csp).toBe("'self' data: blob:");
  expect(csp).toContain("script-src 'self';");

  await goTo(page, 'Event settings');
  const form = page.getByRole('form', { name: 'Event settings' });
  await form.getByLabel(/Reaction emoji/).fill([...SHIPPED, UNSHIPPED].join(' '));
  const preview = form.locator('.reaction-preview');
  await expect(preview.locator('.reaction-chip')).toHaveCount(SHIPPED.length + 1);
  for (const [i, e] of SHIPPED.entries()) await expectShippedGlyph(preview.locator('.reaction-chip').nth(i).locator('img.emoji-img'), e);
  // The control: an emoji with no shipped glyph stays text; with no emoji font it has no colour (a box).
  const plain = preview.locator('.reaction-chip').nth(SHIPPED.length);
  await expect(plain.locator('img')).toHaveCount(0);
  await expect(plain.locator('.emoji-text')).toHaveText(UNSHIPPED);
  if (emojiFonts() === 'none') expect(await colourShare(context, await plain.screenshot({ animations: 'disabled' }))).toBeLessThan(0.01);
  await preview.screenshot({ path: shot('console-settings-reaction-glyphs.png') });
  expect(violations).toEqual([]);
});

test("the leaderboard's streak 🔥 is the shipped glyph", async () => {
  members = await joinMany(hub.url, code, 2);
  const hostTok = await staffToken(hub.url, eventId, 'host', 'Quizmaster');
  const quizHost = await TestClient.connect(hub.url, hostTok.token);
  try {
    let n = 0;
    const pub = async (name: string, data: unknown): Promise<void> => {
      const f = await quizHost.pub(`emoji-${n++}`, name, data);
      expect(f, name).toMatchObject({ t: 'ack', applied: true });
    };
    await pub('quiz.create', {
      quizId: 'qz',
      title: 'Streaks',
      questions: ['q1', 'q2'].map((id) => ({ id, prompt: `Pick A (${id})`, options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }], correctOptionId: 'a', timeLimitMs: 600_000, points: 1000 })),
    });
    // Both answer both questions right: a streak of 2 each.
    for (const q of ['q1', 'q2']) {
      await pub('quiz.next', { quizId: 'qz' });
      for (const [i, m] of members.entries()) expect(await m.client.pub(`${q}-${i}`, 'quiz.answer', { quizId: 'qz', questionId: q, optionId: 'a' })).toMatchObject({ t: 'ack', applied: true });
      await pub('quiz.reveal', { quizId: 'qz' });
    }
  } finally {
    quizHost.close();
  }
  await goTo(page, 'Run of show');
  await page.locator('[data-cue-id="qz"]').click();
  const board = page.getByRole('table', { name: 'Leaderboard' });
  await expect(board.locator('tbody tr')).toHaveCount(2);
  const fires = board.locator('img.emoji-img');
  await expect(fires).toHaveCount(2);
  for (const img of await fires.all()) await expectShippedGlyph(img, '🔥');
  await expect(board.locator('tbody tr').first().locator('td').nth(3)).toHaveText('2');
  await page.screenshot({ path: shot('console-leaderboard-glyphs.png') });
  expect(violations).toEqual([]);
});
