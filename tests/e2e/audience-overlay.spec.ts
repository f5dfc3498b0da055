/**
 * Issue 6, item 4: the OBS/vMix overlays. Each is shown inside an iframe over a checkerboard
 * (what a compositor does), so the screenshots prove the page is transparent; pixels are also
 * checked from an omitBackground capture. Results and reactions follow the audience live.
 */
import { expect, test, type BrowserContext, type FrameLocator, type Page } from '@playwright/test';
import { joinAudience, staffToken } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { hostPub, shot, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { alphaAt } from './helpers/png-pixels';

test.describe.configure({ mode: 'serial' });

let stage: Stage;
let producerToken: string;
let context: BrowserContext;
const people: TestClient[] = [];
let pubSeq = 0;

const CHECKERBOARD = `html,body{margin:0;height:100%}body{background-color:#fff;background-image:linear-gradient(45deg,#c8c8c8 25%,transparent 25%),linear-gradient(-45deg,#c8c8c8 25%,transparent 25%),linear-gradient(45deg,transparent 75%,#c8c8c8 75%),linear-gradient(-45deg,transparent 75%,#c8c8c8 75%);background-size:40px 40px;background-position:0 0,0 20px,20px -20px,-20px 0}iframe{border:0;width:100%;height:100%;display:block}`;

const overlayUrl = (kind: string, token = producerToken): string => `${stage.hub.url}/overlay/${stage.eventId}?view=${kind}#token=${encodeURIComponent(token)}`;

/** The overlay inside an iframe over a checkerboard, as OBS composites it. */
async function overCheckerboard(kind: string): Promise<{ page: Page; frame: FrameLocator }> {
  const page = await context.newPage();
  await page.setContent(`<!doctype html><html><head><style>${CHECKERBOARD}</style></head><body><iframe title="overlay" src="${overlayUrl(kind)}"></iframe></body></html>`);
  const frame = page.frameLocator('iframe');
  await expect(frame.locator('main[data-ready="yes"]')).toBeAttached();
  return { page, frame };
}

async function person(name: string): Promise<TestClient> {
  const j = await joinAudience(stage.hub.url, stage.code, name);
  const c = await TestClient.connect(stage.hub.url, j.token);
  people.push(c);
  return c;
}

async function act(c: TestClient, name: string, data: unknown): Promise<void> {
  const f = await c.pub(`ov-${++pubSeq}`, name, data);
  if (f.t !== 'ack') throw new Error(`${name}: ${JSON.stringify(f)}`);
}

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live' });
  producerToken = (await staffToken(stage.hub.url, stage.eventId, 'producer', 'OBS')).token;
  context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
});

test.afterAll(async () => {
  for (const p of people) p.close();
  await context?.close();
  await stopStage(stage);
});

test('I6 poll overlay: transparent page, no numbers while hidden, results follow the votes once revealed', async () => {
  await hostPub(stage, 'poll.create', {
    pollId: 'p1',
    question: 'What should we build next?',
    kind: 'single',
    options: [
      { id: 'api', label: 'Public API' },
      { id: 'app', label: 'Mobile app' },
      { id: 'int', label: 'Integrations' },
    ],
  });
  await hostPub(stage, 'poll.open', { pollId: 'p1' });

  // Transparent by construction: html and body paint nothing, and the pixels agree.
  const direct = await context.newPage();
  await direct.goto(overlayUrl('poll'));
  await expect(direct.getByRole('heading', { name: 'What should we build next?' })).toBeVisible();
  const bg = (await direct.evaluate(
    `[getComputedStyle(document.documentElement).backgroundColor, getComputedStyle(document.body).backgroundColor]`,
  )) as string[];
  expect(bg).toEqual(['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)']);
  const box = await direct.locator('.ov-panel').boundingBox();
  if (!box) throw new Error('no panel');
  const alphas = await alphaAt(context, await direct.screenshot({ omitBackground: true }), [
    [5, 5],
    [1270, 10],
    [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
  ]);
  expect(alphas.slice(0, 2)).toEqual([0, 0]); // empty corners: fully transparent
  expect(alphas[2]).toBeGreaterThan(150); // the panel itself: opaque enough to read
  await direct.close();

  const { page, frame } = await overCheckerboard('poll');
  const voters = [await person('Ann'), await person('Ben'), await person('Cat')];
  await act(voters[0] as TestClient, 'vote.cast', { pollId: 'p1', optionIds: ['api'] });
  await act(voters[1] as TestClient, 'vote.cast', { pollId: 'p1', optionIds: ['api'] });
  await act(voters[2] as TestClient, 'vote.cast', { pollId: 'p1', optionIds: ['app'] });
  await untilStaff(stage, (v) => v.polls.p1?.ballots === 3, 'three ballots');
  await expect(frame.getByText('Mobile app')).toBeVisible();
  expect(await frame.locator('main').textContent()).not.toMatch(/\d/);

  await hostPub(stage, 'poll.reveal', { pollId: 'p1', visible: true });
  await expect(frame.locator('.ov-bars li', { hasText: 'Public API' })).toContainText('67%');
  await expect(frame.locator('.ov-bars li', { hasText: 'Mobile app' })).toContainText('33%');
  // As it changes: a fourth vote moves the bars.
  await act(await person('Dan'), 'vote.cast', { pollId: 'p1', optionIds: ['int'] });
  await expect(frame.locator('.ov-bars li', { hasText: 'Public API' })).toContainText('50%');
  await expect(frame.locator('.ov-bars li', { hasText: 'Integrations' })).toContainText('25%');
  await page.screenshot({ path: shot('overlay-poll.png'), animations: 'disabled' });
  await page.close();
});

test('I6 reactions overlay: emoji float up, driven by counter deltas', async () => {
  const { page, frame } = await overCheckerboard('reactions');
  const fans = [await person('Eli'), await person('Flo')];
  for (let i = 0; i < 6; i++) await act(fans[i % 2] as TestClient, 'reaction.send', { emoji: i % 3 === 0 ? '🎉' : '👏' });
  await expect(frame.locator('.ov-floater').first()).toBeAttached();
  const anim = await frame
    .locator('.ov-floater')
    .first()
    .evaluate((el) => (el as unknown as { getAnimations(): Array<{ animationName?: string }> }).getAnimations().map((a) => a.animationName));
  expect(anim).toContain('ov-float');
  // Let them rise a little for the picture (the assertion above already held).
  await expect.poll(async () => frame.locator('.ov-floater').count()).toBeGreaterThanOrEqual(4);
  await page.waitForTimeout(900);
  await page.screenshot({ path: shot('overlay-reactions.png') });
  await page.close();
});

test('I6 Q&A overlay: the pinned question, large, as text', async () => {
  const asker = await person('Gus');
  await act(asker, 'question.ask', { questionId: 'qa1', text: 'How will the <b>new pricing</b> affect existing customers?' });
  await act(await person('Hal'), 'question.ask', { questionId: 'qa2', text: 'Is there a beta programme?' });
  await hostPub(stage, 'question.moderate', { questionId: 'qa1', status: 'approved' });
  await hostPub(stage, 'question.moderate', { questionId: 'qa2', status: 'approved' });
  await hostPub(stage, 'question.pin', { questionId: 'qa1', pinned: true });
  const { page, frame } = await overCheckerboard('qa');
  await expect(frame.getByRole('heading', { name: 'How will the <b>new pricing</b> affect existing customers?' })).toBeVisible();
  await expect(frame.getByText('Now answering')).toBeVisible();
  await expect(frame.getByText('Is there a beta programme?')).toBeVisible();
  expect(await frame.locator('b').count()).toBe(0);
  const px = await frame
    .locator('h1')
    .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize);
  expect(parseFloat(px)).toBeGreaterThanOrEqual(32); // readable on a 720p stream
  await page.screenshot({ path: shot('overlay-qa.png'), animations: 'disabled' });
  await page.close();
});

test('I6 leaderboard overlay: names and scores of the quiz, in order', async () => {
  await hostPub(stage, 'quiz.create', {
    quizId: 'qz',
    title: 'Lightning round',
    questions: [
      { id: 'q1', prompt: 'Capital of Norway?', options: [{ id: 'osl', label: 'Oslo' }, { id: 'ber', label: 'Bergen' }], correctOptionId: 'osl', timeLimitMs: 30_000, points: 1000 },
    ],
  });
  await hostPub(stage, 'quiz.next', { quizId: 'qz' });
  const [ann, ben, cat] = people;
  await act(ann as TestClient, 'quiz.answer', { quizId: 'qz', questionId: 'q1', optionId: 'osl' });
  await act(ben as TestClient, 'quiz.answer', { quizId: 'qz', questionId: 'q1', optionId: 'osl' });
  await act(cat as TestClient, 'quiz.answer', { quizId: 'qz', questionId: 'q1', optionId: 'ber' });
  await hostPub(stage, 'quiz.reveal', { quizId: 'qz' });
  const staff = await untilStaff(stage, (v) => (v.quizzes.qz?.leaderboard.length === 3 ? v : undefined), 'leaderboard');
  const { page, frame } = await overCheckerboard('leaderboard');
  const rows = frame.locator('.ov-board li');
  await expect(rows).toHaveCount(3);
  const board = staff.quizzes.qz?.leaderboard ?? [];
  for (let i = 0; i < 3; i++) {
    await expect(rows.nth(i)).toContainText(board[i]?.name ?? '?');
    await expect(rows.nth(i)).toContainText(String(board[i]?.score));
  }
  await page.screenshot({ path: shot('overlay-leaderboard.png'), animations: 'disabled' });
  await page.close();
});

test('I6 overlay setup problems are spelled out: no token, a refused token', async () => {
  const page = await context.newPage();
  await page.goto(`${stage.hub.url}/overlay/${stage.eventId}?view=poll`);
  await expect(page.getByRole('alert')).toContainText('#token=');
  await page.goto(overlayUrl('poll', 'not-a-token'));
  await expect(page.getByRole('alert')).toContainText('refused');
  // ?token= works too, for tools that drop the fragment.
  await page.goto(`${stage.hub.url}/overlay/${stage.eventId}?view=qa&token=${encodeURIComponent(producerToken)}`);
  await expect(page.locator('main[data-ready="yes"]')).toBeAttached();
  await page.close();
});
