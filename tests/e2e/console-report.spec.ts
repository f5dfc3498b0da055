/**
 * Issue 14.11: the post-event report. A small event runs against the real hub (polls opened and
 * closed from the console, a two-question quiz and Q&A from real protocol clients, audience
 * clients reporting what they show, P27), then the console builds the report from the whole log:
 * the CSV files hold the figures, and the HTML report, opened in Chromium on its own, shows the
 * same ones (and is screenshotted into docs/screenshots with STAGECALL_UI_SHOTS).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { createEvent, ROOT, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import type { StatsFrame } from '../../src/shared/protocol';
import { closeAll, joinMany, type Member } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createOpenSingleChoicePoll, goTo, openConsole, pollIdOf } from './helpers/console-page';

let hub: HubProcess;
let host: ConsoleHost;
let producer: TestClient;
let members: Member[] = [];
const clients: TestClient[] = [];

test.afterAll(async () => {
  closeAll(members);
  for (const c of clients) c.close();
  await host?.stop();
  await hub?.kill();
});

/** Every member reports the audience state it holds (P27 `at`), as the phone app does. */
const reportAt = (): void => {
  for (const m of members) m.client.send({ t: 'at', view: 'audience', serial: m.client.views.audience?.serial ?? 0 });
};

/**
 * Waits for two stats frames in a row in which `n` audience connections show the cue: the
 * console, whose view may trail the first by a conflated sync, has then counted it.
 */
async function reached(cueId: string, n: number): Promise<void> {
  const from = producer.frames.length;
  await producer.until(() => {
    reportAt();
    const [last, before] = producer.frames.slice(from).reverse().filter((f): f is StatsFrame => f.t === 'stats');
    return [last, before].every((s) => (s?.delivery?.audience.cues[cueId] ?? 0) >= n) ? true : undefined;
  }, 30_000, `${n} reached ${cueId}`);
}

async function download(page: Page, button: string): Promise<{ name: string; text: string }> {
  const d = page.waitForEvent('download');
  await page.getByRole('group', { name: 'Report files' }).getByRole('button', { name: button }).click();
  const file = await d;
  return { name: file.suggestedFilename(), text: fs.readFileSync((await file.path()) as string, 'utf8') };
}

test('14.11 the post-event report: CSV files and a printable HTML report with the event’s figures', async ({ page, browser }) => {
  hub = await startHubProcess();
  const ev = await createEvent(hub.url, 'Spring town hall');
  const hostTok = await staffToken(hub.url, ev.eventId, 'host', 'Hana');
  host = await startConsoleHost(['--hub', hub.url, '--token', hostTok.token]);
  await page.setViewportSize({ width: 1440, height: 900 });
  await openConsole(page, host.url);
  await expect(page.getByRole('status', { name: 'Link: Connected' })).toBeVisible();
  producer = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId, 'producer', 'Pat')).token);
  clients.push(producer);
  producer.send({ t: 'sub', view: 'stats' });
  const quizHost = await TestClient.connect(hub.url, (await staffToken(hub.url, ev.eventId, 'host', 'Quizmaster')).token);
  clients.push(quizHost);
  members = await joinMany(hub.url, ev.joinCode, 6, 'Guest');
  const [a, b, c, d, e, f] = members as [Member, Member, Member, Member, Member, Member];

  // Poll 1 (single choice), from the console: 4 Keynote, 2 Workshop; all six show it.
  const card = await createOpenSingleChoicePoll(page, 'Best session today?', ['Keynote', 'Workshop', 'Panel']);
  const pollId = await pollIdOf(card);
  await Promise.all(members.map((m, i) => m.client.pub(`v1-${i}`, 'vote.cast', { pollId, optionIds: [i < 4 ? 'o1' : 'o2'] })));
  await expect(card.getByTestId('ballots')).toHaveText('6');
  await reached(pollId, 6);
  await card.getByRole('button', { name: 'Close voting' }).click();
  await expect(card.getByTestId('poll-status')).toHaveText(/Closed/);

  // Poll 2 (word cloud): three people answer.
  await page.getByRole('button', { name: '+ New poll' }).click();
  const form = page.getByRole('form', { name: 'New poll' });
  await form.getByRole('radio', { name: 'Word cloud' }).check();
  await form.getByLabel('Question').fill('One word for today?');
  await form.getByRole('button', { name: 'Create and open' }).click();
  const cloud = page.getByTestId('poll-card').filter({ hasText: 'One word for today?' });
  await expect(cloud.getByTestId('poll-status')).toHaveText(/Voting open/);
  const cloudId = await pollIdOf(cloud);
  for (const [m, w] of [[a, 'Inspiring'], [b, 'inspiring '], [c, 'long']] as const) expect((await m.client.pub(`w-${w}`, 'vote.cast', { pollId: cloudId, text: w })).t).toBe('ack');
  await expect(cloud.getByTestId('ballots')).toHaveText('3');
  await reached(cloudId, 6);
  await cloud.getByRole('button', { name: 'Close voting' }).click();
  await expect(cloud.getByTestId('poll-status')).toHaveText(/Closed/);

  // The quiz: two questions; a and b right twice, c right then wrong, d wrong then right.
  const opts = [{ id: 'x', label: 'Paris' }, { id: 'y', label: 'Lyon' }];
  const quiz = { quizId: 'qz1', title: 'Capitals', questions: [
    { id: 'k1', prompt: 'Capital of France?', options: opts, correctOptionId: 'x', timeLimitMs: 60_000, points: 1000 },
    { id: 'k2', prompt: 'Capital of Japan?', options: [{ id: 'x', label: 'Tokyo' }, { id: 'y', label: 'Osaka' }], correctOptionId: 'x', timeLimitMs: 60_000, points: 1000 },
  ] };
  expect(await quizHost.pub('qc', 'quiz.create', quiz)).toMatchObject({ t: 'ack', applied: true });
  const answers = [['x', 'x'], ['x', 'x'], ['x', 'y'], ['y', 'x']] as const;
  for (const k of [0, 1] as const) {
    expect(await quizHost.pub(`qn${k}`, 'quiz.next', { quizId: 'qz1' })).toMatchObject({ applied: true });
    await Promise.all([a, b, c, d].map((m) => m.client.until(() => (m.client.views.audience?.doc as { quizzes?: Record<string, { current?: { questionId: string } }> })?.quizzes?.qz1?.current?.questionId === `k${k + 1}` || undefined)));
    await reached('qz1', 6);
    for (const [i, m] of [a, b, c, d].entries()) expect(await m.client.pub(`qa${k}-${i}`, 'quiz.answer', { quizId: 'qz1', questionId: `k${k + 1}`, optionId: answers[i]?.[k] })).toMatchObject({ applied: true });
    expect(await quizHost.pub(`qr${k}`, 'quiz.reveal', { quizId: 'qz1' })).toMatchObject({ applied: true });
  }
  expect(await quizHost.pub('qe', 'quiz.end', { quizId: 'qz1' })).toMatchObject({ applied: true });

  // Q&A: three questions, upvotes; one answered, one assigned to the console's host.
  expect(await e.client.pub('ask1', 'question.ask', { questionId: 'qq1', text: 'Will the slides be shared?' })).toMatchObject({ applied: true });
  expect(await f.client.pub('ask2', 'question.ask', { questionId: 'qq2', text: 'When is the next town hall?' })).toMatchObject({ applied: true });
  expect(await e.client.pub('ask3', 'question.ask', { questionId: 'qq3', text: 'Is there parking, "free" or paid?', anonymous: true })).toMatchObject({ applied: true });
  for (const id of ['qq1', 'qq2']) expect(await quizHost.pub(`m-${id}`, 'question.moderate', { questionId: id, status: 'approved' })).toMatchObject({ applied: true });
  for (const m of [a, b, c]) expect(await m.client.pub(`up-${m.clientId}`, 'question.upvote', { questionId: 'qq1' })).toMatchObject({ applied: true });
  expect(await d.client.pub('up-d2', 'question.upvote', { questionId: 'qq2' })).toMatchObject({ applied: true });
  expect(await quizHost.pub('m2', 'question.moderate', { questionId: 'qq1', status: 'answered' })).toMatchObject({ applied: true });
  expect(await quizHost.pub('as1', 'question.assign', { questionId: 'qq2', to: hostTok.clientId })).toMatchObject({ applied: true });

  // Build the report from the console.
  await goTo(page, 'Setup');
  const panel = page.locator('section', { has: page.getByRole('heading', { name: 'Post-event report' }) });
  await panel.getByRole('button', { name: 'Build report' }).click();
  await expect(panel.getByTestId('report-ready')).toContainText('6 participants', { timeout: 60_000 });
  if (process.env.STAGECALL_UI_SHOTS) await panel.screenshot({ path: path.join(ROOT, 'docs/screenshots/console-report-panel.png') });

  const parts: Record<string, string> = {};
  for (const p of ['participation', 'polls', 'quiz answers', 'quiz scores', 'questions']) parts[p] = (await download(page, `${p} (CSV)`)).text;
  const participation = parts.participation as string;
  expect(participation).toContain('unique participants,,6,\r\n');
  expect(participation).toMatch(/peak online,,[6-9],/);
  expect(participation).toContain('voted,,6,6\r\n');
  expect(participation).toContain('reach,Best session today?,6,6\r\n');
  expect(participation).toContain('reach,Capitals,6,6\r\n');
  expect(participation).toContain('reach,Capitals Q1: Capital of France?,6,6\r\n');
  expect(participation).toContain('reach,Capitals Q2: Capital of Japan?,6,6\r\n');
  const polls = parts.polls as string;
  const isoRe = '\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z';
  expect(polls).toMatch(new RegExp(`Best session today\\?,single,closed,Keynote,4,66\\.7,6,${isoRe},${isoRe},1,6,6\\r\\n`));
  expect(polls).toContain('Best session today?,single,closed,Panel,0,0,6,');
  expect(polls).toMatch(new RegExp(`One word for today\\?,wordcloud,closed,inspiring,2,66\\.7,3,${isoRe},${isoRe},1,`));
  const quizAnswers = (parts['quiz answers'] as string).split('\r\n');
  expect(quizAnswers[0]).toBe('\uFEFFquiz,question,name,answer,correct,points');
  expect(quizAnswers).toHaveLength(1 + 8 + 1);
  expect(quizAnswers.some((l) => /^Capitals,Capital of Japan\?,Guest 3,Osaka,false,0$/.test(l))).toBe(true);
  expect(quizAnswers.some((l) => /^Capitals,Capital of France\?,Guest 1,Paris,true,\d{3,4}$/.test(l))).toBe(true);
  const scores = (parts['quiz scores'] as string).split('\r\n');
  expect(scores.filter((l) => /^Capitals,[12],Guest [12],\d+,2,2,2$/.test(l))).toHaveLength(2);
  expect(scores.some((l) => /^Capitals,[34],Guest [34],\d+,1,2,/.test(l))).toBe(true);
  const questions = parts.questions as string;
  expect(questions).toMatch(new RegExp(`^\\uFEFFtext,author,status,upvotes,pinned,assignee,asked at,answered at\\r\\nWill the slides be shared\\?,Guest 5,answered,3,false,,${isoRe},${isoRe}\\r\\n`));
  expect(questions).toMatch(new RegExp(`When is the next town hall\\?,Guest 6,approved,1,false,Hana,${isoRe},\\r\\n`));
  expect(questions).toContain('"Is there parking, ""free"" or paid?",,pending,0,false,,');

  // The HTML report, opened on its own in Chromium.
  const html = await download(page, 'Download report (HTML)');
  expect(html.name).toMatch(/^stagecall-Spring-town-hall-report-\d{8}-\d{4}\.html$/);
  expect(html.text).not.toMatch(/<script/i);
  const file = path.join(host.dataDir, html.name);
  fs.writeFileSync(file, html.text);
  const report = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  try {
    await report.goto(`file://${file}`);
    await expect(report.getByRole('heading', { level: 1 })).toHaveText('Spring town hall');
    const tiles = report.getByTestId('report-participation');
    await expect(tiles.locator('.tile', { hasText: 'Unique participants' }).locator('strong')).toHaveText('6');
    await expect(tiles.locator('.tile', { hasText: 'Voted' }).locator('strong')).toHaveText('6');
    await expect(tiles.locator('.tile', { hasText: 'Played the quiz' }).locator('strong')).toHaveText('4');
    // The audience chart is plain SVG, drawn.
    const line = report.locator('figure.chart svg .chart-line').first();
    await expect(line).toHaveAttribute('d', /^M[\d.]+,[\d.]+[LH]/);
    await expect(report.getByRole('list', { name: 'Reach per cue' }).locator(`[data-option="${pollId}"]`)).toContainText('100% (6)');
    const best = report.getByTestId('report-poll').filter({ hasText: 'Best session today?' });
    await expect(best.getByTestId('report-ballots')).toHaveText('6');
    await expect(best.getByRole('list', { name: 'Results: Best session today?' }).locator('[data-option="o1"]')).toContainText('67% (4)');
    await expect(report.getByTestId('report-poll').filter({ hasText: 'One word for today?' }).locator('.cloud li', { hasText: 'inspiring' })).toHaveAttribute('data-count', '2');
    const quizCard = report.getByTestId('report-quiz');
    await expect(quizCard.getByRole('table', { name: 'Leaderboard' }).locator('tbody tr')).toHaveCount(4);
    // The streak 🔥 is the console's shipped glyph, carried inside the file as a data: URL (it loads nothing).
    const fires = quizCard.getByRole('table', { name: 'Leaderboard' }).locator('img.emoji-img[data-emoji="🔥"]');
    await expect(fires).toHaveCount(2);
    expect(await fires.first().getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
    await expect.poll(() => fires.first().evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await expect(quizCard.getByRole('list', { name: 'Answers: Capital of Japan?' }).locator('[data-option="x"]')).toContainText('75% (3)');
    await expect(quizCard.getByRole('heading', { name: /^1\. Capital of France\?/ })).toContainText('reach 6 of 6 (100%)');
    await expect(quizCard.getByRole('list', { name: 'Answers: Capital of Japan?' }).locator('.bar-row.correct')).toHaveAttribute('data-option', 'x');
    const rowOf = (name: string) => quizCard.getByTestId('report-player').filter({ has: report.getByRole('cell', { name, exact: true }) });
    await expect(rowOf('Guest 3').locator('td').nth(3)).toHaveText('✗ 0');
    await expect(rowOf('Guest 3').locator('td').nth(4)).toHaveText('1');
    const qa = report.getByRole('table', { name: 'Questions' });
    await expect(qa.locator('tr[data-question-id="qq1"] td').nth(2)).toHaveText('answered');
    await expect(qa.locator('tr[data-question-id="qq1"] td').nth(3)).toHaveText('3');
    await expect(qa.locator('tr[data-question-id="qq1"] td').nth(6)).not.toHaveText('—');
    await expect(qa.locator('tr[data-question-id="qq2"] td').nth(4)).toHaveText('Hana');
    if (process.env.STAGECALL_UI_SHOTS) await report.screenshot({ path: path.join(ROOT, 'docs/screenshots/report.png'), fullPage: true });
    // Printable: the bars are CSS fills, which print only with exact colour adjustment.
    await report.emulateMedia({ media: 'print' });
    const adjust = await report.locator('.bar-fill').first().evaluate((el) => {
      const st = (globalThis as unknown as { getComputedStyle(e: unknown): { getPropertyValue(p: string): string } }).getComputedStyle(el);
      return st.getPropertyValue('print-color-adjust') || st.getPropertyValue('-webkit-print-color-adjust');
    });
    expect(adjust).toBe('exact');
    // On an A4 page's width the chart shrinks into its card instead of running off the paper.
    await report.setViewportSize({ width: 720, height: 1000 });
    const fits = await report.locator('figure.chart').first().evaluate((fig) => {
      const svg = fig.querySelector('svg');
      return svg ? svg.getBoundingClientRect().right <= fig.getBoundingClientRect().right : false;
    });
    expect(fits).toBe(true);
    const pdf = await report.pdf({ format: 'A4', printBackground: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  } finally {
    await report.close();
  }
});
