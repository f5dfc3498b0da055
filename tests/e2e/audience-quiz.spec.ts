/**
 * Issue 6, quiz: the countdown runs on the hub's clock (ping offset), so a phone whose own clock
 * is 90 s fast still shows the right time left; one answer each; then the correct option, own
 * score and rank, and the leaderboard, matching the host's staff view.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hostPub, PHONE, shot, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { joinByLink } from './helpers/phone';

let stage: Stage;
const contexts: BrowserContext[] = [];
let ada: Page;
let bo: Page;

const PROMPT = 'Which planet is called the red planet?';

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live' });
  const a = await browser.newContext(PHONE);
  const b = await browser.newContext(PHONE);
  // Bo's phone clock runs 90 s fast: only a hub-synced countdown survives that.
  await b.addInitScript(() => {
    const realNow = Date.now.bind(Date);
    Date.now = () => realNow() + 90_000;
  });
  contexts.push(a, b);
  ada = await a.newPage();
  bo = await b.newPage();
});

test.afterAll(async () => {
  for (const c of contexts) await c.close();
  await stopStage(stage);
});

const secondsLeft = async (page: Page): Promise<number> => {
  const text = (await page.getByRole('timer', { name: 'Time left' }).textContent()) ?? '';
  const m = /(\d+) s left/.exec(text);
  if (!m?.[1]) throw new Error(`no countdown in "${text}"`);
  return Number(m[1]);
};

test('I6 quiz: countdown synced to the hub clock, one answer, then correct answer, own score and rank', async () => {
  await joinByLink(ada, stage, 'Ada');
  await joinByLink(bo, stage, 'Bo');
  await hostPub(stage, 'quiz.create', {
    quizId: 'qz',
    title: 'Warm-up',
    questions: [
      {
        id: 'q1',
        prompt: PROMPT,
        options: [
          { id: 'mars', label: 'Mars' },
          { id: 'venus', label: 'Venus' },
          { id: 'jupiter', label: 'Jupiter' },
        ],
        correctOptionId: 'mars',
        timeLimitMs: 60_000,
        points: 1000,
      },
    ],
  });
  await hostPub(stage, 'quiz.next', { quizId: 'qz' });
  for (const page of [ada, bo]) await expect(page.getByRole('heading', { name: PROMPT })).toBeVisible();
  // Wait until both phones have had a pong (the offset is measured), then compare the countdowns.
  for (const page of [ada, bo]) await expect(page.getByRole('timer', { name: 'Time left' })).toContainText(/\d+ s left/);
  await expect.poll(async () => Math.abs((await secondsLeft(ada)) - (await secondsLeft(bo))), { timeout: 10_000 }).toBeLessThanOrEqual(2);
  const left = await secondsLeft(bo);
  expect(left).toBeGreaterThan(30); // with Bo's raw clock it would read "Time is up"
  expect(left).toBeLessThanOrEqual(60);

  const answers = (p: Page) => p.getByRole('group', { name: 'Answers' });
  await answers(ada).getByRole('button', { name: 'Mars' }).click();
  await answers(bo).getByRole('button', { name: 'Venus' }).click();
  await expect(ada.getByText('Your answer was counted')).toBeVisible();
  await expect(bo.getByText('Your answer was counted')).toBeVisible();
  // First answer counts: the other choices are locked.
  await expect(answers(ada).getByRole('button', { name: 'Venus' })).toBeDisabled();
  await ada.screenshot({ path: shot('audience-quiz-question.png'), animations: 'disabled' });

  await hostPub(stage, 'quiz.reveal', { quizId: 'qz' });
  await expect(ada.getByText('Correct! Well done.')).toBeVisible();
  await expect(bo.getByText('Not this time.')).toBeVisible();
  await expect(answers(bo).getByRole('button', { name: /Mars/ })).toContainText('correct');
  const staff = await untilStaff(stage, (v) => (v.quizzes.qz?.leaderboard.length ? v : undefined), 'leaderboard');
  const top = staff.quizzes.qz?.leaderboard[0];
  expect(top?.name).toBe('Ada');
  expect(top?.score).toBeGreaterThan(0);
  await expect(ada.getByLabel('Your score')).toContainText(`Your score: ${top?.score}`);
  await expect(ada.getByLabel('Your score')).toContainText('Rank #1');
  await expect(ada.getByRole('list', { name: 'Leaderboard' }).getByRole('listitem').first()).toContainText('Ada');
  await expect(ada.getByRole('list', { name: 'Leaderboard' }).getByRole('listitem').first()).toContainText(String(top?.score));
  await ada.screenshot({ path: shot('audience-quiz-revealed.png'), animations: 'disabled' });
});
