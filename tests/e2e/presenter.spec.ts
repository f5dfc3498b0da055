/**
 * Issue 13 (Show): the presenter view at /present of the web host (same session), against a real
 * hub. The join slide is readable from the back of a hall (code ≥ 48 px, QR ≥ 200 px, scaling with
 * the window); live results appear only once revealed (hidden tallies never reach its DOM); a
 * timed poll closes by itself there; quiz question with countdown, then the podium; the Q&A wall
 * shows approved and pinned questions only. Screenshots at 1440x900 and 1920x1080 go to
 * docs/screenshots/presenter-<slide>-<width>.png.
 */
import path from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ADMIN_KEY, ROOT, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { closeAll, joinMany, untilAudience, type Member } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, createOpenSingleChoicePoll, pollIdOf } from './helpers/console-page';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let context: BrowserContext;
let consolePage: Page;
let present: Page;
let staff: TestClient;
let members: Member[] = [];
let code = '';

const SIZES = [
  { width: 1440, height: 900 },
  { width: 1920, height: 1080 },
] as const;

/** Docs screenshots only with STAGECALL_UI_SHOTS=1 (like console-screenshots.spec.ts): a test run leaves the tree clean. */
const SHOTS = !!process.env.STAGECALL_UI_SHOTS;

async function shoot(name: string): Promise<void> {
  if (!SHOTS) return;
  // The controls hide until pointed at or focused: take the slide as the room sees it.
  await present.mouse.move(1, 1);
  // Strings: the Node tsconfig has no DOM lib, and these run in the page.
  await present.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  for (const size of SIZES) {
    await present.setViewportSize(size);
    await present.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    await present.screenshot({ path: path.join(ROOT, 'docs/screenshots', `presenter-${name}-${size.width}.png`) });
  }
  await present.setViewportSize(SIZES[0]);
}

test.beforeAll(async ({ browser }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  // One context: the presenter tab shares the console's session cookie, as a second tab would.
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  consolePage = await context.newPage();
  await consolePage.goto(host.url);
  await expect(consolePage.getByRole('navigation', { name: 'Screens' })).toBeVisible();
  code = await createEventOnHub(consolePage, hub.url, ADMIN_KEY, 'Annual kickoff');
  const j = (await (await fetch(`${hub.url}/v1/join`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) })).json()) as { eventId: string };
  staff = await TestClient.connect(hub.url, (await staffToken(hub.url, j.eventId, 'host', 'Script')).token);
  const popup = context.waitForEvent('page');
  await consolePage.getByRole('link', { name: 'Presenter view' }).click();
  present = await popup;
  await present.setViewportSize(SIZES[0]);
});

test.afterAll(async () => {
  closeAll(members);
  staff?.close();
  await context?.close();
  await host?.stop();
  await hub?.kill();
});

test('join slide: the code in type at least 48 px and a QR of at least 200 px, both growing with the window', async () => {
  const slide = present.getByRole('region', { name: 'Join slide' });
  await expect(slide.getByTestId('presenter-code')).toHaveText(code);
  const qr = slide.getByRole('img', { name: /QR code to join/ });
  await expect(qr).toBeVisible();
  const measure = async () => ({
    font: await slide.getByTestId('presenter-code').evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize)),
    qr: (await qr.boundingBox())?.width ?? 0,
  });
  const small = await measure();
  expect(small.font).toBeGreaterThanOrEqual(48);
  expect(small.qr).toBeGreaterThanOrEqual(200);
  await present.setViewportSize(SIZES[1]);
  await expect.poll(async () => (await measure()).font).toBeGreaterThan(small.font);
  expect((await measure()).qr).toBeGreaterThan(small.qr);
  await present.setViewportSize(SIZES[0]);
  await shoot('join');
});

test('live results: hidden tallies never reach the presenter’s DOM; once shown, bars with percentages', async () => {
  const card = await createOpenSingleChoicePoll(consolePage, 'Which track next?', ['Platform', 'Design', 'Growth']);
  const pollId = await pollIdOf(card);
  members = await joinMany(hub.url, code, 20);
  // 11 / 6 / 3: 55%, 30%, 15%.
  const choice = (i: number): string => (i < 11 ? 'o1' : i < 17 ? 'o2' : 'o3');
  await Promise.all(members.map((m, i) => m.client.pub(`v-${i}`, 'vote.cast', { pollId, optionIds: [choice(i)] })));
  await expect(card.getByTestId('ballots')).toHaveText('20');
  const slide = present.getByRole('region', { name: 'Poll results' });
  await expect(slide.getByTestId('presenter-ballots')).toHaveText('20');
  // The console shows the tallies; the projector must not, anywhere in its document.
  const html = await present.content();
  for (const hidden of ['55%', '30%', '15%', 'data-option']) expect(html).not.toContain(hidden);
  await expect(slide.getByRole('list', { name: 'Results' })).toHaveCount(0);

  await card.getByRole('button', { name: 'Show results' }).click();
  const bars = slide.getByRole('list', { name: 'Results' });
  await expect(bars.locator('[data-option="o1"]')).toContainText('55%');
  await expect(bars.locator('[data-option="o3"]')).toContainText('15%');
  await shoot('results');
  await card.getByRole('button', { name: 'Close voting' }).click();
});

test('a timed poll closes by itself on the presenter view', async () => {
  const r = await staff.pub('timed-c', 'poll.create', { pollId: 'timed', question: 'Coffee or tea?', kind: 'single', options: [{ id: 'a', label: 'Coffee' }, { id: 'b', label: 'Tea' }], durationMs: 4_000 });
  expect(r).toMatchObject({ t: 'ack', applied: true });
  await staff.pub('timed-o', 'poll.open', { pollId: 'timed' });
  const slide = present.getByRole('region', { name: 'Poll results' });
  await expect(slide.getByRole('heading', { name: 'Coffee or tea?' })).toBeVisible();
  await expect(slide.getByRole('timer', { name: 'Time left to vote' })).toBeVisible();
  // Closed by the hub: follow mode leaves it (its results were never shown) for the last shown poll.
  await expect(slide.getByRole('heading', { name: 'Which track next?' })).toBeVisible({ timeout: 30_000 });
  await expect(slide).toContainText('Voting closed');
});

test('quiz: the question with its countdown, then the podium', async () => {
  const opts = [
    { id: 'a', label: 'Mercury' },
    { id: 'b', label: 'Venus' },
    { id: 'c', label: 'Mars' },
    { id: 'd', label: 'Jupiter' },
  ];
  await staff.pub('qz-c', 'quiz.create', { quizId: 'qz', title: 'Space quiz', questions: [{ id: 'q1', prompt: 'Which planet is the largest?', options: opts, correctOptionId: 'd', timeLimitMs: 60_000, points: 1000 }] });
  await staff.pub('qz-n', 'quiz.next', { quizId: 'qz' });
  const slide = present.getByRole('region', { name: 'Quiz question' });
  await expect(slide.getByRole('heading', { name: 'Which planet is the largest?' })).toBeVisible();
  await expect(slide.getByRole('timer', { name: 'Time left to answer' })).toBeVisible();
  await expect(slide).not.toContainText('correct');
  const answers = ['d', 'd', 'd', 'c', 'd', 'b', 'd', 'a'];
  await Promise.all(members.slice(0, answers.length).map((m, i) => m.client.pub(`qa-${i}`, 'quiz.answer', { quizId: 'qz', questionId: 'q1', optionId: answers[i] })));
  await expect(slide).toContainText(`${answers.length} answers`);
  await shoot('quiz');
  await staff.pub('qz-r', 'quiz.reveal', { quizId: 'qz' });
  await expect(slide).toContainText('✓ correct');
  await staff.pub('qz-e', 'quiz.end', { quizId: 'qz' });
  const podium = present.getByRole('region', { name: 'Quiz podium' });
  await expect(podium.getByRole('listitem', { name: /^Place 1: / })).toBeVisible();
  await expect(podium.getByRole('listitem', { name: /^Place 3: / })).toBeVisible();
  await shoot('podium');
});

test('Q&A wall: approved and pinned questions only, pinned first', async () => {
  const texts = ['How do we measure success this year?', 'Will the roadmap be public?', 'Any plans for a Berlin office?', 'What about remote work?', 'Please share the slides'];
  await Promise.all(texts.map((text, i) => (members[i] as Member).client.pub(`ask-${i}`, 'question.ask', { questionId: `qq${i}`, text })));
  await untilAudience(members[0] as Member, () => true);
  for (const i of [0, 1, 3]) await staff.pub(`ap-${i}`, 'question.moderate', { questionId: `qq${i}`, status: 'approved' });
  await staff.pub('rej', 'question.moderate', { questionId: 'qq2', status: 'rejected' });
  await staff.pub('pin', 'question.pin', { questionId: 'qq3', pinned: true });
  for (const [i, m] of members.slice(5, 12).entries()) await m.client.pub(`up-${i}`, 'question.upvote', { questionId: i < 5 ? 'qq1' : 'qq0' });
  await present.getByRole('navigation', { name: 'Presenter controls' }).getByRole('button', { name: 'Q&A wall' }).click();
  const wall = present.getByRole('region', { name: 'Q&A wall' });
  await expect(wall.getByRole('listitem')).toHaveCount(3);
  await expect(wall.getByRole('listitem').first()).toContainText('What about remote work?');
  await expect(wall.getByRole('listitem').first()).toContainText('Pinned');
  await expect(wall).not.toContainText('Berlin');
  await expect(wall).not.toContainText('Please share the slides');
  await shoot('qa');
});
