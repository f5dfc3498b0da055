/**
 * Issue 14.10: this machine's Chromium has no emoji font (`fc-list | grep -i emoji` is empty on
 * the Debian image), so system emoji render as boxes. The phone's reaction buttons and the
 * reactions overlay draw the shipped Twemoji SVGs instead: each is an <img> that loaded, and
 * the pixels on screen are in colour (a box is not).
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { joinAudience, staffToken } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { hostPub, newPhone, shot, startStage, stopStage, type Stage } from './helpers/audience-env';
import { colourShare, emojiFonts, glyphState } from './helpers/png-pixels';
import { joinByLink } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let stage: Stage;
let context: BrowserContext;
let page: Page;
const SHIPPED = ['👍', '❤️', '😂', '🔥', '🚀', '💡'];
/** Not in REACTION_PALETTE: drawn by the system font, the control for the colour check. */
const UNSHIPPED = '🦄';
const SET = [...SHIPPED, UNSHIPPED];

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Emoji');
  await hostPub(stage, 'event.update', { status: 'live', settings: { reactions: SET } });
  ({ context, page } = await newPhone(browser));
  await joinByLink(page, stage, 'Emi', 'Emoji');
});

test.afterAll(async () => {
  await context?.close();
  await stopStage(stage);
});

test('14.10 the reaction buttons draw the shipped glyphs, in colour, where the system has no emoji font', async () => {
  const bar = page.getByRole('navigation', { name: 'Reactions' });
  for (const e of SHIPPED) {
    const button = bar.getByRole('button', { name: `React ${e}` });
    const img = button.locator('img');
    await expect(img).toHaveCount(1);
    await expect.poll(async () => (await glyphState(img)).loaded, { message: `${e} glyph loaded` }).toBe(true);
    expect((await glyphState(img)).src).toMatch(/\/assets\/[0-9a-f-]+-[\w-]+\.svg$/);
    expect(await colourShare(context, await button.screenshot({ animations: 'disabled' })), `${e} in colour`).toBeGreaterThan(0.05);
  }
  // The control: an emoji with no shipped glyph is text, and with no emoji font it has no colour.
  const plain = bar.getByRole('button', { name: `React ${UNSHIPPED}` });
  await expect(plain.locator('img')).toHaveCount(0);
  const fonts = emojiFonts();
  if (fonts === 'none') expect(await colourShare(context, await plain.screenshot({ animations: 'disabled' }))).toBeLessThan(0.01);
  else console.log(`colour control not checked: this machine has emoji fonts (${fonts})`);
  // The tap still floats the emoji up, drawn the same way.
  await bar.getByRole('button', { name: 'React 🔥' }).click();
  await expect(page.locator('.floater img')).toHaveCount(1);
  await page.screenshot({ path: shot('audience-reactions-glyphs.png'), animations: 'disabled' });
});

test('14.10 the reactions overlay floats the shipped glyphs', async ({ browser }) => {
  const producer = await staffToken(stage.hub.url, stage.eventId, 'producer', 'OBS');
  const ctx = await browser.newContext({ viewport: { width: 960, height: 540 } });
  const fan = await TestClient.connect(stage.hub.url, (await joinAudience(stage.hub.url, stage.code, 'Fan')).token);
  try {
    const ov = await ctx.newPage();
    await ov.goto(`${stage.hub.url}/overlay/${stage.eventId}?view=reactions#token=${encodeURIComponent(producer.token)}`);
    await expect(ov.locator('main[data-ready="yes"]')).toBeAttached();
    for (const [i, e] of ['🚀', '❤️', '🚀', '😂'].entries()) {
      const f = await fan.pub(`emoji-${i}`, 'reaction.send', { emoji: e });
      expect(f.t).toBe('ack');
    }
    const imgs = ov.locator('.ov-floater img');
    await expect.poll(() => imgs.count()).toBeGreaterThanOrEqual(3);
    for (const img of await imgs.all()) {
      expect(await img.getAttribute('data-emoji')).toMatch(/^(🚀|❤️|😂)$/u);
      await expect.poll(async () => (await glyphState(img)).loaded).toBe(true);
    }
    await expect(ov.locator('.ov-floater .emoji-text')).toHaveCount(0);
    // For the picture: hold every floater mid-flight, over a dark backdrop (the page itself is transparent).
    await ov.addStyleTag({ content: 'html { background: #20243a; }' });
    await ov.evaluate(`document.getAnimations().forEach((a) => { a.pause(); a.currentTime = 1400; })`);
    await ov.screenshot({ path: shot('overlay-reactions-glyphs.png') });
  } finally {
    fan.close();
    await ctx.close();
  }
});
