/**
 * Issue 14.9 on a 390x844 phone: what is live comes first. With an ended quiz, a closed word
 * cloud and a closed poll behind it, the open poll's card starts within the first screen, the
 * finished items are folded into "Earlier" (expandable by keyboard), and Q&A has its own tab
 * with the answered questions in their own list.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hostPub, newPhone, shot, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { ask, joinByLink, openLive, phoneTab, pollCard, qna } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let stage: Stage;
let context: BrowserContext;
let page: Page;

const OPEN_Q = 'Which track after lunch?';
const CLOUD_Q = 'One word for the keynote?';
const OLD_Q = 'Coffee or tea?';
const QUIZ = 'Warm-up quiz';
const ANSWERED = 'Will the slides be shared afterwards?';
const OPEN_ASK = 'How do we sign up for the hack day?';

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Layout');
  await hostPub(stage, 'event.update', { status: 'live' });
  ({ context, page } = await newPhone(browser));
  await joinByLink(page, stage, 'Pia', 'Layout');

  // A quiz played to its end, with this phone on the leaderboard.
  await hostPub(stage, 'quiz.create', {
    quizId: 'qz',
    title: QUIZ,
    questions: [{ id: 'q1', prompt: 'Largest planet?', options: [{ id: 'j', label: 'Jupiter' }, { id: 'm', label: 'Mars' }], correctOptionId: 'j', timeLimitMs: 60_000, points: 1000 }],
  });
  await hostPub(stage, 'quiz.next', { quizId: 'qz' });
  await page.getByRole('group', { name: 'Answers' }).getByRole('button', { name: 'Jupiter' }).click();
  await expect(page.getByText('Your answer was counted')).toBeVisible();
  await hostPub(stage, 'quiz.reveal', { quizId: 'qz' });
  await hostPub(stage, 'quiz.end', { quizId: 'qz' });

  // A closed, revealed word cloud and a closed, revealed poll.
  await hostPub(stage, 'poll.create', { pollId: 'w1', question: CLOUD_Q, kind: 'wordcloud' });
  await hostPub(stage, 'poll.open', { pollId: 'w1' });
  await pollCard(page, CLOUD_Q).getByLabel('Your word').fill('Inspiring');
  await pollCard(page, CLOUD_Q).getByRole('button', { name: 'Send word' }).click();
  await expect(pollCard(page, CLOUD_Q).getByText('Your vote was counted')).toBeVisible();
  await hostPub(stage, 'poll.close', { pollId: 'w1' });
  await hostPub(stage, 'poll.reveal', { pollId: 'w1', visible: true });
  await hostPub(stage, 'poll.create', { pollId: 'p0', question: OLD_Q, kind: 'single', options: [{ id: 'c', label: 'Coffee' }, { id: 't', label: 'Tea' }] });
  await hostPub(stage, 'poll.open', { pollId: 'p0' });
  await hostPub(stage, 'poll.close', { pollId: 'p0' });
  await hostPub(stage, 'poll.reveal', { pollId: 'p0', visible: true });

  // Two questions: one answered, one still open.
  await ask(page, ANSWERED);
  await ask(page, OPEN_ASK);
  const staff = await untilStaff(stage, (v) => (Object.keys(v.questions).length === 2 ? v : undefined), 'two questions');
  for (const q of Object.values(staff.questions))
    await hostPub(stage, 'question.moderate', { questionId: q.id, status: q.text === ANSWERED ? 'answered' : 'approved' });
  await openLive(page);

  // And now the poll that is live.
  await hostPub(stage, 'poll.create', {
    pollId: 'p1',
    question: OPEN_Q,
    kind: 'single',
    options: ['Design systems', 'Edge computing', 'Hiring', 'Open source'].map((label, i) => ({ id: `o${i}`, label })),
  });
  await hostPub(stage, 'poll.open', { pollId: 'p1' });
});

test.afterAll(async () => {
  await context?.close();
  await stopStage(stage);
});

test('14.9 the open poll comes first, within the first screen; finished items are folded into Earlier', async () => {
  const card = pollCard(page, OPEN_Q);
  await expect(card).toBeVisible();
  await page.evaluate('window.scrollTo(0, 0)');
  const box = await card.boundingBox();
  const screen = page.viewportSize();
  if (!box || !screen) throw new Error('no layout');
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeLessThan(screen.height / 3); // "about 500 px down" was the defect
  // Its first choice can be tapped without scrolling: above the reactions bar.
  const bar = await page.getByRole('navigation', { name: 'Reactions' }).boundingBox();
  const first = await card.getByRole('button', { name: 'Design systems' }).boundingBox();
  expect((first?.y ?? Infinity) + (first?.height ?? 0)).toBeLessThanOrEqual(bar?.y ?? 0);

  const toggle = page.getByRole('button', { name: /^Earlier/ });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(toggle).toContainText('3 finished items');
  await expect(page.getByTestId('earlier')).toContainText(`${QUIZ} · ${OLD_Q} · ${CLOUD_Q}`);
  await expect(pollCard(page, CLOUD_Q)).toHaveCount(0);
  await expect(pollCard(page, OLD_Q)).toHaveCount(0);
  await expect(page.getByRole('list', { name: 'Leaderboard' })).toHaveCount(0);
  // The Earlier section comes after the live poll.
  const earlier = await page.getByTestId('earlier').boundingBox();
  expect(earlier?.y ?? 0).toBeGreaterThan(box.y + box.height - 1);
  await page.screenshot({ path: shot('audience-live-first.png'), animations: 'disabled' });
});

test('14.9 Earlier expands from the keyboard and shows the final leaderboard and the word cloud', async () => {
  const toggle = page.getByRole('button', { name: /^Earlier/ });
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByRole('list', { name: 'Leaderboard' }).getByRole('listitem').first()).toContainText('Pia');
  await expect(pollCard(page, CLOUD_Q).getByRole('list', { name: 'Results' })).toContainText('inspiring');
  await expect(pollCard(page, OLD_Q).getByRole('list', { name: 'Results' })).toBeVisible();
  // The live poll stays on top when the finished ones are open.
  const live = await pollCard(page, OPEN_Q).boundingBox();
  const cloud = await pollCard(page, CLOUD_Q).boundingBox();
  expect(live?.y ?? Infinity).toBeLessThan(cloud?.y ?? 0);
  await page.keyboard.press('Space');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(pollCard(page, CLOUD_Q)).toHaveCount(0);
});

test('14.9 Q&A has its own tab, reached with the arrow keys, with an Answered list', async () => {
  await expect(qna(page)).toBeHidden();
  await phoneTab(page, 'Live').focus();
  await page.keyboard.press('ArrowRight');
  await expect(phoneTab(page, 'Q&A')).toHaveAttribute('aria-selected', 'true');
  await expect(phoneTab(page, 'Q&A')).toBeFocused();
  await expect(pollCard(page, OPEN_Q)).toBeHidden();
  const answered = page.getByRole('list', { name: 'Answered questions' });
  await expect(answered.getByRole('listitem')).toHaveCount(1);
  await expect(answered).toContainText(ANSWERED);
  const open = page.getByRole('list', { name: 'Audience questions' });
  await expect(open.getByRole('listitem')).toHaveCount(1);
  await expect(open).toContainText(OPEN_ASK);
  // While on Q&A the Live tab says something is open there.
  await expect(phoneTab(page, 'Live')).toHaveAccessibleName('Live, 1 open now');
  await answered.scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('audience-qna-tab.png'), animations: 'disabled' });
  await page.keyboard.press('ArrowLeft');
  await expect(phoneTab(page, 'Live')).toHaveAttribute('aria-selected', 'true');
  await expect(pollCard(page, OPEN_Q)).toBeVisible();
});

test('14.9 at 320 px in dark mode the tabs and Earlier fit: nothing overflows sideways', async () => {
  await page.setViewportSize({ width: 320, height: 640 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('button', { name: /^Earlier/ }).click();
  await expect(pollCard(page, CLOUD_Q)).toBeVisible();
  const widths = (await page.evaluate(`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)) as number[];
  expect(widths[0]).toBeLessThanOrEqual(widths[1] ?? 0);
  for (const t of await page.getByRole('tab').all()) expect((await t.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(40);
  await page.getByRole('button', { name: /^Earlier/ }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot('audience-earlier-320-dark.png'), animations: 'disabled' });
});
