/**
 * Issue 6, item 5 and item 1: text is rendered as text (no HTML injection), the protocol's name
 * and question limits are enforced in the forms with a clear message, and the initial load stays
 * under 150 KB gzipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ROOT } from '../helpers/hub-process';
import { ensureAudienceBuild, hostPub, newPhone, shot, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { initialLoadSize } from './helpers/bundle-size';
import { ask, boardItem, joinByLink, openQnA, qna } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let stage: Stage;
const contexts: BrowserContext[] = [];
let eve: Page;
let fay: Page;
const dialogs: string[] = [];

const EVIL_NAME = '<img src=x onerror=alert(1)>';
const EVIL_Q = `<img src=x onerror="alert('q')"><b>bold?</b> & <script>alert(2)</script> ok`;

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live' });
  for (let i = 0; i < 2; i++) {
    const p = await newPhone(browser);
    p.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    contexts.push(p.context);
    if (i === 0) eve = p.page;
    else fay = p.page;
  }
});

test.afterAll(async () => {
  for (const c of contexts) await c.close();
  await stopStage(stage);
});

test('I6 the name limit (40) is enforced in the join form with a clear message', async () => {
  await eve.goto(`${stage.hub.url}/j/${stage.code}`);
  const name = eve.getByLabel('Your name (optional)');
  await name.fill('N'.repeat(41));
  await expect(eve.getByRole('alert')).toHaveText('Your name is 41 characters; the limit is 40. Please shorten it by 1.');
  await expect(eve.getByRole('button', { name: 'Join' })).toBeDisabled();
  await eve.screenshot({ path: shot('audience-name-too-long.png'), animations: 'disabled' });
  await name.fill('N'.repeat(40));
  await expect(eve.getByRole('alert')).toHaveCount(0);
  await expect(eve.getByRole('button', { name: 'Join' })).toBeEnabled();
  // An unknown code is answered in words, not a dead end.
  await eve.getByLabel('Event code').fill('ZZZZZZ');
  await eve.getByRole('button', { name: 'Join' }).click();
  await expect(eve.getByRole('alert')).toContainText('No event has this code');
});

test('I6 the question limit (500) is enforced in the ask form with a clear message', async () => {
  await joinByLink(fay, stage, 'Fay');
  await openQnA(fay);
  const box = qna(fay).getByLabel('Your question');
  await box.fill('x'.repeat(501));
  await expect(qna(fay).getByRole('alert')).toHaveText('Your question is 501 characters; the limit is 500. Please shorten it by 1.');
  await expect(qna(fay).getByRole('button', { name: 'Send question' })).toBeDisabled();
  await box.fill('x'.repeat(500));
  await expect(qna(fay).getByRole('alert')).toHaveCount(0);
  await expect(qna(fay).getByText('500 / 500')).toBeVisible();
  await box.fill('');
  await qna(fay).getByRole('button', { name: 'Send question' }).click();
  await expect(qna(fay).getByRole('alert')).toHaveText('Please write your question first.');
});

test('I6 names and questions are rendered as text: no HTML injection anywhere', async () => {
  await joinByLink(eve, stage, EVIL_NAME);
  await ask(eve, EVIL_Q);
  await expect(eve.getByRole('list', { name: 'Your questions' })).toContainText(EVIL_Q);
  const q = await untilStaff(stage, (v) => Object.values(v.questions).find((x) => x.text === EVIL_Q), 'evil question');
  expect(q.authorName).toBe(EVIL_NAME);
  await hostPub(stage, 'question.moderate', { questionId: q.id, status: 'approved' });
  const item = boardItem(fay, 'bold?');
  await expect(item).toContainText(EVIL_Q);
  await expect(item).toContainText(EVIL_NAME);
  expect(await item.locator('img, b, script').count()).toBe(0);
  // The only images are the shipped reaction glyphs (14.10), from the build's own assets.
  expect(await fay.locator('img:not(.emoji-img)').count()).toBe(0);
  expect(await fay.locator('img.emoji-img').evaluateAll((els) => els.map((e) => e.getAttribute('src')).filter((s) => !s?.startsWith('/assets/')))).toEqual([]);
  expect(dialogs).toEqual([]);
  await item.scrollIntoViewIfNeeded();
  await fay.screenshot({ path: shot('audience-text-not-html.png'), animations: 'disabled' });
});

test('I6 no dangerouslySetInnerHTML or innerHTML in the audience sources', () => {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const offenders = walk(path.join(ROOT, 'src/audience'))
    .filter((f) => /\.(tsx?|html)$/.test(f))
    .filter((f) => /dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(fs.readFileSync(f, 'utf8')));
  expect(offenders).toEqual([]);
});

test('I6 initial load of the audience page is under 150 KB gzipped', () => {
  ensureAudienceBuild();
  const size = initialLoadSize('index.html');
  for (const f of size.files) console.log(`  ${f.file.padEnd(40)} ${String(f.bytes).padStart(8)} B  gzip ${String(f.gzip).padStart(7)} B`);
  console.log(`  initial load, gzipped: ${(size.totalGzip / 1024).toFixed(1)} KB`);
  expect(size.files.some((f) => f.file.endsWith('.css'))).toBe(true);
  expect(size.files.filter((f) => f.file.endsWith('.js')).length).toBeGreaterThanOrEqual(2);
  expect(size.totalGzip).toBeLessThan(150 * 1024);
});

test('I6 works at 320 px wide in dark mode: nothing overflows sideways, every control is large enough to tap', async ({ browser }) => {
  const ctx = await browser.newContext({ viewport: { width: 320, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'dark' });
  try {
    const page = await ctx.newPage();
    await hostPub(stage, 'poll.create', {
      pollId: 'narrow',
      question: 'A rather long poll question, to see how it wraps on the narrowest phones around?',
      kind: 'multiple',
      options: [
        { id: 'a', label: 'An option with a fairly long label that must wrap' },
        { id: 'b', label: 'Short' },
      ],
    });
    await hostPub(stage, 'poll.open', { pollId: 'narrow' });
    await joinByLink(page, stage, 'Narrow');
    const card = page.getByRole('region', { name: /A rather long poll question/ });
    await card.getByRole('checkbox', { name: 'Short' }).check();
    await card.getByRole('button', { name: 'Submit vote' }).click();
    await expect(card.getByText('Your vote was counted')).toBeVisible();
    const widths = (await page.evaluate(`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)) as number[];
    expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
    for (const b of await page.getByRole('button').all()) {
      const box = await b.boundingBox();
      if (box) expect(Math.min(box.width, box.height), await b.textContent() ?? '').toBeGreaterThanOrEqual(40);
    }
    await page.screenshot({ path: shot('audience-320-dark.png'), animations: 'disabled' });
  } finally {
    await ctx.close();
  }
});
