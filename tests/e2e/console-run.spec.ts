/**
 * Issue 5 (Show): the console UI through the web host against a real hub. A host creates an
 * event and a single-choice poll in the UI; 50 real audience clients vote; the bars match;
 * reveal and close reach the audience. Then Q&A: 20 questions arrive, the moderator approves 5
 * and rejects 2 by keyboard and pins 1, and the audience view (read by a client) matches.
 */
import fs from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_KEY, startHubProcess, type HubProcess } from '../helpers/hub-process';
import type { AudienceView } from '../../src/shared/domain/types';
import { closeAll, joinMany, untilAudience, type Member } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, createOpenSingleChoicePoll, goTo, openConsole, pollIdOf, pressKeys, questionRow, unnamedControls } from './helpers/console-page';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let members: Member[] = [];
/** One page for the file: the console URL's session token is single-use. */
let page: Page;

test.beforeAll(async ({ browser }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await openConsole(page, host.url);
});

test.afterAll(async () => {
  await page?.close();
  closeAll(members);
  await host?.stop();
  await hub?.kill();
});

test('UI-1 poll: create event and poll in the UI, 50 votes match on screen, reveal and close reach the audience', async () => {
  const code = await createEventOnHub(page, hub.url, ADMIN_KEY, 'All-hands');
  await expect(page.getByRole('heading', { level: 1, name: 'All-hands' })).toBeVisible();

  const card = await createOpenSingleChoicePoll(page, 'Where should the offsite be?', ['Lisbon', 'Oslo', 'Kyoto']);
  const pollId = await pollIdOf(card);
  expect(pollId).not.toBe('');

  members = await joinMany(hub.url, code, 50);
  // 23 / 17 / 10: distinct counts, so a swapped bar would show.
  const choice = (i: number): string => (i < 23 ? 'o1' : i < 40 ? 'o2' : 'o3');
  const acks = await Promise.all(members.map((m, i) => m.client.pub(`v-${i}`, 'vote.cast', { pollId, optionIds: [choice(i)] })));
  expect(acks.every((f) => f.t === 'ack' && f.applied)).toBe(true);

  await expect(card.getByTestId('ballots')).toHaveText('50');
  const results = card.getByRole('list', { name: 'Results' });
  await expect(results.locator('[data-option="o1"]')).toHaveAttribute('data-count', '23');
  await expect(results.locator('[data-option="o2"]')).toHaveAttribute('data-count', '17');
  await expect(results.locator('[data-option="o3"]')).toHaveAttribute('data-count', '10');
  await expect(results.locator('[data-option="o1"]')).toContainText('46% (23)');
  await expect(results.locator('[data-option="o3"]')).toContainText('20% (10)');

  // Hidden from the audience until revealed (P21), then exactly the host's numbers.
  const watcher = members[0] as Member;
  expect((await untilAudience(watcher, (v) => v.polls[pollId])).tallies).toBeNull();
  await card.getByRole('button', { name: 'Show results' }).click();
  await expect(card).toContainText('Results shown to audience');
  const revealed = await untilAudience(watcher, (v) => (v.polls[pollId]?.tallies ? v.polls[pollId] : undefined));
  expect(revealed.tallies).toEqual({ o1: 23, o2: 17, o3: 10 });

  await card.getByRole('button', { name: 'Close voting' }).click();
  await expect(card.getByTestId('poll-status')).toHaveText(/Closed/);
  await untilAudience(watcher, (v) => (v.polls[pollId]?.status === 'closed' ? true : undefined));
  const late = await (members[1] as Member).client.pub('v-late', 'vote.cast', { pollId, optionIds: ['o3'] });
  expect(late).toMatchObject({ t: 'ack', applied: false });
  await expect(card.getByTestId('ballots')).toHaveText('50');
});

test('UI-2 Q&A: 20 questions, approve 5 and reject 2 by keyboard, pin 1; the audience sees exactly that', async () => {
  expect(members.length, 'UI-1 (this file runs serially) seats the audience').toBeGreaterThanOrEqual(20);
  await goTo(page, 'Q&A');
  const ids = Array.from({ length: 20 }, (_, i) => `q-${String(i + 1).padStart(2, '0')}`);
  // Asked one after another so their order (oldest first among equal upvotes) is known.
  for (const [i, id] of ids.entries()) {
    const f = await (members[i] as Member).client.pub(`ask-${id}`, 'question.ask', { questionId: id, text: `Question number ${i + 1}: what about topic ${i + 1}?` });
    expect(f).toMatchObject({ t: 'ack', applied: true });
  }
  await expect(page.getByRole('radio', { name: /Pending/ })).toBeChecked();
  await expect(page.getByRole('region', { name: 'Question queue, 20 questions' })).toBeVisible();
  await expect(questionRow(page, 'q-01')).toHaveAttribute('aria-current', 'true');

  await pressKeys(page, ['a', 'a', 'a', 'a', 'a', 'r', 'r']);
  // Every key shows at once, queued or already applied; then the hub's state lands.
  await expect(page.getByTestId('qa-count-approved')).toHaveText('5');
  await expect(page.getByTestId('qa-count-rejected')).toHaveText('2');
  await expect(page.getByTestId('qa-count-pending')).toHaveText('13');
  await expect(page.getByRole('region', { name: 'Question queue, 13 questions' })).toBeVisible();
  await expect(questionRow(page, 'q-08')).toHaveAttribute('aria-current', 'true');

  await page.getByRole('radio', { name: /Approved/ }).check();
  await expect(page.getByRole('region', { name: 'Question queue, 5 questions' })).toBeVisible();
  await expect(questionRow(page, 'q-01')).toHaveAttribute('aria-current', 'true');
  await pressKeys(page, ['p']);
  await expect(questionRow(page, 'q-01').getByText('📌 Pinned')).toBeVisible();

  // What the audience sees (read by a real client) is what the moderator did.
  const seen = await untilAudience(members[30] as Member, (v: AudienceView) => {
    const qs = Object.values(v.questions);
    return qs.length === 5 && qs.some((q) => q.pinned) ? qs : undefined;
  });
  expect(seen.map((q) => q.id).sort()).toEqual(['q-01', 'q-02', 'q-03', 'q-04', 'q-05']);
  expect(seen.filter((q) => q.pinned).map((q) => q.id)).toEqual(['q-01']);
  expect(seen.every((q) => q.status === 'approved')).toBe(true);

  // The console's "Audience sees" panel shows the same, pinned first.
  const preview = page.getByTestId('audience-preview');
  await expect(preview.locator('li')).toHaveCount(5);
  await expect(preview.locator('li').first()).toHaveAttribute('data-question-id', 'q-01');
  await expect(preview.locator('li[data-question-id="q-06"]')).toHaveCount(0);
});

test('UI-4 Q&A bulk: check three pending questions and archive them in one go', async () => {
  expect(members.length, 'UI-1 (this file runs serially) seats the audience').toBeGreaterThanOrEqual(20);
  await page.getByRole('radio', { name: /Pending/ }).check();
  await expect(page.getByTestId('qa-count-pending')).toHaveText('13');
  for (const id of ['q-10', 'q-11', 'q-12']) await questionRow(page, id).getByRole('checkbox').check();
  await expect(page.getByRole('group', { name: 'Bulk actions' })).toContainText('3 selected');
  await page.getByRole('button', { name: 'Archive selected' }).click();
  await expect(page.getByTestId('qa-count-archived')).toHaveText('3');
  await expect(page.getByTestId('qa-count-pending')).toHaveText('10');
  await expect(page.getByRole('group', { name: 'Bulk actions' })).toContainText('0 selected');
  // Archived questions never reach the audience.
  const v = await untilAudience(members[5] as Member, (x: AudienceView) => (Object.keys(x.questions).length === 5 ? x : undefined));
  expect(Object.keys(v.questions)).not.toContain('q-10');
});

test('UI-9 every control on every screen has an accessible name', async () => {
  for (const screen of ['Run of show', 'Q&A', 'Live', 'Connection', 'Setup', 'Chat', 'Event settings', 'Overlays'] as const) {
    await goTo(page, screen);
    expect(await unnamedControls(page), `unnamed controls on ${screen}`).toEqual([]);
  }
});

test('UI-10 export: results of polls and Q&A download as CSV', async () => {
  await goTo(page, 'Setup');
  const [polls] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export polls (CSV)' }).click()]);
  expect(polls.suggestedFilename()).toMatch(/\.csv$/);
  const pollsCsv = fs.readFileSync((await polls.path()) ?? '', 'utf8');
  expect(pollsCsv).toContain('Where should the offsite be?');
  expect(pollsCsv).toContain('Lisbon');
  const [qa] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Q&A (CSV)' }).click()]);
  const qaCsv = fs.readFileSync((await qa.path()) ?? '', 'utf8');
  expect(qaCsv).toContain('Question number 1: what about topic 1?');
  await expect(page.getByRole('status').filter({ hasText: /Saved .*\.csv/ })).toBeVisible();
});

test('UI-11 the hub-load alert rises at its threshold, in words, and clears', async () => {
  await goTo(page, 'Live');
  const threshold = page.getByRole('spinbutton', { name: 'Alert at load %' });
  await expect(page.getByText('Hub load below the alert threshold.')).toBeVisible();
  await threshold.fill('0');
  const alert = page.getByTestId('load-alert');
  await expect(alert).toBeVisible();
  await expect(alert).toContainText(/Hub load \d+%/);
  await expect(page.getByRole('button', { name: /Hub load alert/ })).toBeVisible();
  await threshold.fill('100');
  await expect(alert).toBeHidden();
});

test('UI-12 quiz: built in the editor, run with next / countdown / reveal, the leaderboard fills', async () => {
  expect(members.length, 'UI-1 (this file runs serially) seats the audience').toBeGreaterThanOrEqual(10);
  await goTo(page, 'Run of show');
  await page.getByRole('button', { name: '+ New quiz' }).click();
  const form = page.getByRole('form', { name: 'New quiz' });
  await form.getByLabel('Quiz title').fill('Warm-up quiz');
  await form.getByRole('textbox', { name: 'Question 1 prompt' }).fill('Capital of Norway?');
  await form.getByRole('textbox', { name: 'Answer 1', exact: true }).fill('Bergen');
  await form.getByRole('textbox', { name: 'Answer 2', exact: true }).fill('Oslo');
  await form.getByRole('radio', { name: 'Answer 2 is correct' }).check();
  await form.getByLabel('Time limit (seconds)').fill('120');
  await form.getByRole('button', { name: 'Create quiz' }).click();
  const card = page.getByTestId('quiz-card');
  await expect(card).toContainText('Warm-up quiz');
  const quizId = (await page.locator('.cue-item[aria-current="true"]').getAttribute('data-cue-id')) ?? '';
  expect(quizId).toMatch(/^quiz-/);

  await page.locator('main').focus();
  await page.keyboard.press('n'); // next question (hotkey)
  await expect(card.getByTestId('countdown')).toContainText(/⏱ (1:5\d|2:00) left/);
  const answers = await Promise.all(members.slice(0, 10).map((m, i) => m.client.pub(`qz-${i}`, 'quiz.answer', { quizId, questionId: 'q1', optionId: i < 7 ? 'o2' : 'o1' })));
  expect(answers.every((f) => f.t === 'ack' && f.applied)).toBe(true);
  await expect(card.getByTestId('quiz-answers')).toHaveText('10');
  await card.getByRole('button', { name: 'Reveal answer' }).click();
  await expect(card.getByTestId('countdown')).toContainText('Answer revealed');
  const bars = card.getByRole('list', { name: 'Answers' });
  await expect(bars.locator('[data-option="o2"]')).toHaveAttribute('data-count', '7');
  await expect(bars.locator('[data-option="o2"]')).toContainText('Correct answer');
  // Everyone who answered is ranked: the seven right answers score, the three wrong ones do not.
  const rows = card.getByRole('table', { name: 'Leaderboard' }).locator('tbody tr');
  await expect(rows).toHaveCount(10);
  const scores = (await rows.locator('td:nth-child(3)').allTextContents()).map(Number);
  expect(scores.filter((x) => x > 0)).toHaveLength(7);
  expect(scores.slice(7)).toEqual([0, 0, 0]);
  // Ending a quiz asks first (issue 14): the host confirms.
  page.once('dialog', (d) => void d.accept());
  await card.getByRole('button', { name: 'End quiz' }).click();
  await expect(card).toContainText('■ Ended');
});
