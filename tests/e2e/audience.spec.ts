/**
 * Issue 6 end to end: three phones (390x844) and a host on the real protocol. Everything the
 * phones do must show up in the host's staff view; what the audience must not see (hidden
 * tallies, other people's pending questions) must not reach their DOM.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { hostPub, newPhone, shot, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { ask, boardItem, joinByCode, joinByLink, openLive, openQnA, ownItem, pollCard, qna, type BrowserGlobals } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let stage: Stage;
const contexts: BrowserContext[] = [];
let ada: Page;
let bo: Page;
let cy: Page;
/** Console errors and uncaught exceptions on any phone (a CSP violation would show up here). */
const problems: string[] = [];

const POLL_Q = 'Which session next?';
const Q_ADA = 'Will the keynote slides be shared afterwards?';
const Q_CY = 'How do we join the working groups?';

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live' });
  for (let i = 0; i < 3; i++) {
    const p = await newPhone(browser);
    p.page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    p.page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    contexts.push(p.context);
    if (i === 0) ada = p.page;
    if (i === 1) bo = p.page;
    if (i === 2) cy = p.page;
  }
});

test.afterAll(async () => {
  for (const c of contexts) await c.close();
  await stopStage(stage);
});

test('I6 three phones join by code or link, vote and change the vote; hidden tallies never reach the DOM', async () => {
  await ada.goto(`${stage.hub.url}/`);
  await expect(ada.getByRole('heading', { name: 'Join the event' })).toBeVisible();
  await ada.screenshot({ path: shot('audience-join.png'), animations: 'disabled' });
  await joinByCode(ada, stage, 'Ada');
  await expect(ada).toHaveURL(new RegExp(`/j/${stage.code}$`));
  await joinByLink(bo, stage, 'Bo');
  await joinByLink(cy, stage); // no name: anonymous

  await hostPub(stage, 'poll.create', {
    pollId: 'p1',
    question: POLL_Q,
    kind: 'single',
    options: [
      { id: 'ux', label: 'Design' },
      { id: 'ops', label: 'Operations' },
      { id: 'ml', label: 'Research' },
    ],
  });
  await hostPub(stage, 'poll.open', { pollId: 'p1' });

  for (const [page, label] of [[ada, 'Design'], [bo, 'Design'], [cy, 'Operations']] as const) {
    const card = pollCard(page, POLL_Q);
    await card.getByRole('button', { name: label }).click();
    await expect(card.getByRole('button', { name: label })).toHaveAttribute('aria-pressed', 'true');
    await expect(card.getByText('Your vote was counted')).toBeVisible();
  }
  await untilStaff(stage, (v) => v.polls.p1?.tallies?.ux === 2 && v.polls.p1.tallies.ops === 1, 'tallies 2/1');

  // Bo changes the vote while the poll is open.
  const boCard = pollCard(bo, POLL_Q);
  await boCard.getByRole('button', { name: 'Research' }).click();
  await expect(boCard.getByRole('button', { name: 'Research' })).toHaveAttribute('aria-pressed', 'true');
  await expect(boCard.getByRole('button', { name: 'Design' })).toHaveAttribute('aria-pressed', 'false');
  await expect(boCard.getByText('Your vote was counted')).toBeVisible();
  const staff = await untilStaff(stage, (v) => (v.polls.p1?.tallies?.ml === 1 ? v : undefined), 'changed vote');
  expect(staff.polls.p1?.tallies).toEqual({ ux: 1, ops: 1, ml: 1 });
  expect(staff.polls.p1?.ballots).toBe(3);

  // Hidden results (P21): no number in the poll card but the voter's own receipt (its log
  // serial, issue 16), nothing like a tally in the page.
  for (const page of [ada, bo, cy]) {
    const card = pollCard(page, POLL_Q);
    await expect(card.getByText('Results are hidden')).toBeVisible();
    expect((await card.textContent())?.replace(/counted as #\d+/, 'counted as #N')).not.toMatch(/\d/);
    const body = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.body.textContent ?? '');
    expect(body).not.toMatch(/%/);
  }
  await bo.screenshot({ path: shot('audience-poll-hidden.png'), animations: 'disabled' });
});

test('I6 questions: a pending question is visible only to its author; approved ones are upvoted and the staff view matches', async () => {
  await ask(ada, Q_ADA);
  await ask(cy, Q_CY, true);
  const adaOwn = ownItem(ada, Q_ADA);
  await expect(adaOwn.getByText('Your question was counted')).toBeVisible();
  await expect(adaOwn.getByText('Waiting for the moderator')).toBeVisible();
  await expect(ownItem(cy, Q_CY).getByText('Waiting for the moderator')).toBeVisible();

  const staff = await untilStaff(stage, (v) => (Object.keys(v.questions).length === 2 ? v : undefined), 'two questions');
  const byText = (t: string) => Object.values(staff.questions).find((q) => q.text === t);
  expect(byText(Q_ADA)).toMatchObject({ status: 'pending', authorName: 'Ada' });
  expect(byText(Q_CY)).toMatchObject({ status: 'pending', authorName: null });

  // Nobody else sees a pending question: not on the board, not anywhere in the DOM.
  await openQnA(bo);
  await expect(qna(bo).getByText('No questions on the board yet.')).toBeVisible();
  for (const [page, text] of [[bo, Q_ADA], [cy, Q_ADA], [bo, Q_CY], [ada, Q_CY]] as const) {
    const body = await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.body.textContent ?? '');
    expect(body).not.toContain(text);
  }
  await adaOwn.scrollIntoViewIfNeeded();
  await ada.screenshot({ path: shot('audience-question-pending.png'), animations: 'disabled' });

  const idAda = byText(Q_ADA)?.id ?? '';
  const idCy = byText(Q_CY)?.id ?? '';
  await hostPub(stage, 'question.moderate', { questionId: idAda, status: 'approved' });
  await hostPub(stage, 'question.moderate', { questionId: idCy, status: 'approved' });
  await expect(ownItem(ada, Q_ADA).getByText('On the board')).toBeVisible();

  for (const [page, text] of [[bo, Q_ADA], [cy, Q_ADA], [ada, Q_CY]] as const) {
    const item = boardItem(page, text);
    await expect(item).toBeVisible();
    const up = item.getByRole('button', { name: /^Upvote:/ });
    await up.click();
    await expect(up).toHaveAttribute('aria-pressed', 'true');
  }
  await expect(boardItem(bo, Q_CY).getByText('Anonymous')).toBeVisible();
  await expect(boardItem(bo, Q_ADA).getByText('Ada')).toBeVisible();
  const after = await untilStaff(stage, (v) => (v.questions[idAda]?.upvotes === 2 && v.questions[idCy]?.upvotes === 1 ? v : undefined), 'upvotes');
  expect(after.questions[idAda]?.upvotes).toBe(2);
  // The phones show the same counts as the staff view; the most upvoted question comes first.
  await expect(boardItem(ada, Q_ADA).getByRole('button', { name: /^Upvote:/ })).toHaveText(/2/);
  await expect(bo.getByRole('list', { name: 'Audience questions' }).getByRole('listitem').first()).toContainText(Q_ADA);

  // Upvote again = take it back.
  const boUp = boardItem(bo, Q_ADA).getByRole('button', { name: /^Upvote:/ });
  await boUp.click();
  await expect(boUp).toHaveAttribute('aria-pressed', 'false');
  await untilStaff(stage, (v) => v.questions[idAda]?.upvotes === 1, 'unvote');
  await boUp.click();
  await untilStaff(stage, (v) => v.questions[idAda]?.upvotes === 2, 'upvote again');
  await qna(cy).scrollIntoViewIfNeeded();
  await cy.screenshot({ path: shot('audience-qna.png'), animations: 'disabled' });
});

test('I6 reactions reach the staff view; revealed results match the staff tallies on every phone', async () => {
  const clap = ada.getByRole('button', { name: 'React 👏' });
  for (let i = 0; i < 3; i++) await clap.click();
  await bo.getByRole('button', { name: 'React ❤️' }).click();
  await cy.getByRole('button', { name: 'React 👏' }).click();
  const staff = await untilStaff(stage, (v) => (v.reactions['👏'] === 4 && v.reactions['❤️'] === 1 ? v : undefined), 'reactions');
  expect(staff.reactions).toEqual({ '👏': 4, '❤️': 1 });

  await hostPub(stage, 'poll.reveal', { pollId: 'p1', visible: true });
  for (const page of [ada, bo, cy]) await openLive(page); // they were on the Q&A tab
  for (const page of [ada, bo, cy]) {
    const results = pollCard(page, POLL_Q).getByRole('list', { name: 'Results' });
    await expect(results).toBeVisible();
    for (const label of ['Design', 'Operations', 'Research']) await expect(results.getByRole('listitem').filter({ hasText: label })).toContainText('33% · 1');
  }
  // Results follow live changes while the poll stays open.
  await pollCard(cy, POLL_Q).getByRole('button', { name: 'Design' }).click();
  await untilStaff(stage, (v) => v.polls.p1?.tallies?.ux === 2, 'cy moved');
  await expect(pollCard(ada, POLL_Q).getByRole('list', { name: 'Results' }).getByRole('listitem').filter({ hasText: 'Design' })).toContainText('67% · 2');
  await pollCard(ada, POLL_Q).scrollIntoViewIfNeeded();
  await ada.screenshot({ path: shot('audience-results.png'), animations: 'disabled' });
});

test('I6 rating and word-cloud polls: vote, then revealed results as text', async () => {
  await hostPub(stage, 'poll.close', { pollId: 'p1' });
  await hostPub(stage, 'poll.create', {
    pollId: 'r1',
    question: 'How useful was this session?',
    kind: 'rating',
    options: ['1', '2', '3', '4', '5'].map((n) => ({ id: `s${n}`, label: n })),
  });
  await hostPub(stage, 'poll.create', { pollId: 'w1', question: 'One word for today?', kind: 'wordcloud' });
  await hostPub(stage, 'poll.open', { pollId: 'r1' });
  await hostPub(stage, 'poll.open', { pollId: 'w1' });
  for (const [page, score, word] of [[ada, '5', 'Inspiring'], [bo, '4', 'inspiring '], [cy, '5', 'Long']] as const) {
    await pollCard(page, 'How useful was this session?').getByRole('button', { name: score, exact: true }).click();
    const cloud = pollCard(page, 'One word for today?');
    await cloud.getByLabel('Your word').fill(word);
    await cloud.getByRole('button', { name: 'Send word' }).click();
    await expect(cloud.getByText('Your vote was counted')).toBeVisible();
    await expect(pollCard(page, 'How useful was this session?').getByText('Your vote was counted')).toBeVisible();
  }
  await untilStaff(stage, (v) => v.polls.w1?.ballots === 3 && v.polls.r1?.ballots === 3, 'rating + cloud ballots');
  await hostPub(stage, 'poll.reveal', { pollId: 'w1', visible: true });
  const words = pollCard(bo, 'One word for today?').getByRole('list', { name: 'Results' });
  await expect(words.getByRole('listitem').first()).toHaveText('inspiring 2');
  await expect(words.getByRole('listitem').nth(1)).toHaveText('long 1');
  await expect(pollCard(bo, 'One word for today?').getByText('You said: “inspiring”')).toBeVisible();
  await pollCard(bo, 'One word for today?').scrollIntoViewIfNeeded();
  await bo.screenshot({ path: shot('audience-wordcloud.png'), animations: 'disabled' });
  expect(problems).toEqual([]);
});
