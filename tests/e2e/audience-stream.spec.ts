/**
 * Issue 16 on the phone. P30: when the event has a stream delay, the join screen asks "In the
 * room / Watching the stream" and joins accordingly (the token's `wat` claim), so a stream viewer
 * sees a poll open the delay later than a room viewer. Receipts: a counted ballot, quiz answer
 * and question each show their log serial ("counted as #N"), and the hub's log holds exactly
 * that action from this phone at that serial.
 */
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import type { HubFrame } from '../../src/shared/protocol';
import { hostPub, newPhone, shot, startStage, stopStage, type Stage } from './helpers/audience-env';
import { clientIdOf, openLive, openQnA, ownItem, pollCard, type BrowserGlobals } from './helpers/phone';

test.describe.configure({ mode: 'serial' }); // the receipts test continues with the room phone

const DELAY_MS = 4_000;
const POLL_Q = 'Which session next?';
let stage: Stage;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live', settings: { streamDelayMs: DELAY_MS } });
  await hostPub(stage, 'poll.create', { pollId: 'p', question: POLL_Q, kind: 'single', options: [{ id: 'a', label: 'Keynote' }, { id: 'b', label: 'Workshop' }] });
});
test.afterAll(async () => {
  for (const c of contexts) await c.close();
  await stopStage(stage);
});

async function phone(browser: Parameters<typeof newPhone>[0]): Promise<Page> {
  const { context, page } = await newPhone(browser);
  contexts.push(context);
  return page;
}

async function joinWatching(page: Page, name: string, choice: 'In the room' | 'Watching the stream', screenshot?: string): Promise<void> {
  await page.goto(`${stage.hub.url}/j/${stage.code}`);
  await page.getByLabel('Your name (optional)').fill(name);
  await page.getByRole('button', { name: 'Join' }).click();
  const ask = page.getByRole('group', { name: 'Where are you watching?' });
  await expect(ask).toBeVisible();
  await expect(page.getByText('about 4 s behind the room')).toBeVisible();
  if (screenshot) await page.screenshot({ path: shot(screenshot), animations: 'disabled' });
  await ask.getByRole('button', { name: choice }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Town hall' })).toBeVisible();
}

/** The `wat` claim of the token this phone stored (P30), read from the JWT's payload. */
async function watClaim(page: Page): Promise<unknown> {
  const raw = await page.evaluate((k) => (globalThis as unknown as BrowserGlobals).localStorage.getItem(k), `stagecall.session.${stage.code}`);
  const token = (JSON.parse(raw ?? '{}') as { token?: string }).token ?? '';
  return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { wat?: unknown }).wat;
}

/** The log entry at `serial`, read by the host (P17). */
async function logEntry(serial: number): Promise<{ clientId: string; name: string; data: Record<string, unknown> }> {
  const from = stage.host.frames.length;
  stage.host.send({ t: 'history', from: serial, limit: 1 });
  const f = (await stage.host.waitFor((x) => x.t === 'history', { from })) as Extract<HubFrame, { t: 'history' }>;
  const e = f.entries[0];
  if (!e || e.serial !== serial) throw new Error(`no log entry at ${serial}`);
  return { clientId: e.clientId, name: e.name, data: e.data as Record<string, unknown> };
}

const receiptOf = async (status: ReturnType<Page['getByRole']>): Promise<number> => {
  await expect(status).toContainText(/counted as #\d+/);
  return Number(/#(\d+)/.exec((await status.textContent()) ?? '')?.[1]);
};

let room: Page;

test('P30 the join screen asks room or stream when the event has a delay; a stream viewer sees the poll open the delay later', async ({ browser }) => {
  room = await phone(browser);
  const stream = await phone(browser);
  await joinWatching(stream, 'Sam', 'Watching the stream', 'audience-watching-choice.png');
  await joinWatching(room, 'Rita', 'In the room');
  expect(await watClaim(stream)).toBe('stream');
  expect(await watClaim(room)).toBeUndefined();

  await hostPub(stage, 'poll.open', { pollId: 'p' });
  const openedAt = Date.now();
  await expect(pollCard(room, POLL_Q)).toBeVisible();
  // The room phone shows the poll while the stream phone still shows what the stream shows.
  await expect(pollCard(stream, POLL_Q)).toHaveCount(0);
  await expect(pollCard(stream, POLL_Q)).toBeVisible({ timeout: 20_000 });
  expect(Date.now() - openedAt).toBeGreaterThanOrEqual(DELAY_MS - 1_000);
});

test('receipts: a counted vote, quiz answer and question show their log serial, and the log holds that action at that serial', async () => {
  const me = await clientIdOf(room, stage.code);
  const card = pollCard(room, POLL_Q);
  await card.getByRole('button', { name: 'Workshop' }).click();
  const voteSerial = await receiptOf(card.getByRole('status'));
  expect(await logEntry(voteSerial)).toMatchObject({ clientId: me, name: 'vote.cast', data: { pollId: 'p', optionIds: ['b'] } });

  await hostPub(stage, 'quiz.create', {
    quizId: 'qz',
    title: 'Warm-up',
    questions: [{ id: 'q1', prompt: 'Red planet?', options: [{ id: 'mars', label: 'Mars' }, { id: 'venus', label: 'Venus' }], correctOptionId: 'mars', timeLimitMs: 60_000, points: 1000 }],
  });
  await hostPub(stage, 'quiz.next', { quizId: 'qz' });
  await room.getByRole('group', { name: 'Answers' }).getByRole('button', { name: 'Mars' }).click();
  const answerStatus = room.getByRole('status').filter({ hasText: 'Your answer was counted' });
  const answerSerial = await receiptOf(answerStatus);
  expect(answerSerial).toBeGreaterThan(voteSerial);
  expect(await logEntry(answerSerial)).toMatchObject({ clientId: me, name: 'quiz.answer', data: { quizId: 'qz', questionId: 'q1', optionId: 'mars' } });
  await room.screenshot({ path: shot('audience-receipts-live.png'), animations: 'disabled' });

  await openQnA(room);
  await room.getByRole('textbox', { name: 'Your question' }).fill('Will the slides be shared?');
  await room.getByRole('button', { name: 'Send question' }).click();
  const questionSerial = await receiptOf(ownItem(room, 'Will the slides be shared?').getByRole('status'));
  expect(await logEntry(questionSerial)).toMatchObject({ clientId: me, name: 'question.ask', data: { text: 'Will the slides be shared?' } });
  await room.screenshot({ path: shot('audience-receipts-question.png'), animations: 'disabled' });
  await openLive(room);
});
