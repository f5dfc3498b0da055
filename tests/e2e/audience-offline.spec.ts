/**
 * Issue 6, resilience: the outbox (localStorage, ids stored before sending) makes what a person
 * does offline land exactly once; reconnects, hub restarts and reloads are transparent; the
 * `?hubs=` list skips a dead hub.
 */
import net from 'node:net';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startHubProcess, staffToken } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import type { WireEntry } from '../../src/shared/protocol';
import { hostPub, newPhone, shot, startStage, stopStage, untilStaff, type Stage } from './helpers/audience-env';
import { ask, clientIdOf, joinByLink, openLive, openQnA, ownItem, pollCard } from './helpers/phone';

test.describe.configure({ mode: 'serial' });

let stage: Stage;
let context: BrowserContext;
let page: Page;
let clientId: string;
const POLL_Q = 'Where should the next meetup be?';
const OFFLINE_Q = 'Is there a recording of this talk?';

async function entriesOf(s: Stage, id: string): Promise<WireEntry[]> {
  const from = s.host.frames.length;
  s.host.send({ t: 'history', from: 1, limit: 1000 });
  const f = await s.host.waitFor((x) => x.t === 'history', { from });
  if (f.t !== 'history') throw new Error('not a history frame');
  return f.entries.filter((e) => e.clientId === id);
}

test.beforeAll(async ({ browser }) => {
  stage = await startStage('Town hall');
  await hostPub(stage, 'event.update', { status: 'live' });
  await hostPub(stage, 'poll.create', {
    pollId: 'p1',
    question: POLL_Q,
    kind: 'single',
    options: [
      { id: 'ber', label: 'Berlin' },
      { id: 'lis', label: 'Lisbon' },
      { id: 'osl', label: 'Oslo' },
    ],
  });
  await hostPub(stage, 'poll.open', { pollId: 'p1' });
  ({ context, page } = await newPhone(browser));
  await joinByLink(page, stage, 'Dee');
  clientId = await clientIdOf(page, stage.code);
});

test.afterAll(async () => {
  await context?.close();
  await stopStage(stage);
});

test('I6 offline: a vote and a question made offline are sent on reconnect, counted once, and shown as counted', async () => {
  // The phone must hold the open poll before the network goes (a person votes on what they see).
  await expect(pollCard(page, POLL_Q).getByRole('button', { name: 'Lisbon' })).toBeVisible();
  await context.setOffline(true);
  await expect(page.getByText('You are offline')).toBeVisible();
  await pollCard(page, POLL_Q).getByRole('button', { name: 'Lisbon' }).click();
  await ask(page, OFFLINE_Q);
  await expect(ownItem(page, OFFLINE_Q).getByText('Your question is saved on this phone — waiting to send')).toBeVisible();
  await openLive(page);
  await expect(pollCard(page, POLL_Q).getByText('Your vote is saved on this phone — waiting to send')).toBeVisible();
  await expect(pollCard(page, POLL_Q).getByRole('button', { name: 'Lisbon' })).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: shot('audience-offline.png'), animations: 'disabled' });
  // Stored before sending: the outbox in localStorage already holds both, with their ids.
  const stored = await page.evaluate(
    (key) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(key),
    `stagecall.outbox.${stage.eventId}.${clientId}`,
  );
  const records = (JSON.parse(stored ?? '{}') as { records?: Array<{ id: string; name: string; state: string }> }).records ?? [];
  expect(records.filter((r) => r.state === 'queued').map((r) => r.name)).toEqual(['vote.cast', 'question.ask']);
  expect(records.every((r) => r.id.startsWith(`${clientId}:`))).toBe(true);

  await context.setOffline(false);
  await expect(pollCard(page, POLL_Q).getByText(/Your vote was counted as #\d+ ✓/)).toBeVisible();
  await openQnA(page);
  await expect(ownItem(page, OFFLINE_Q).getByText(/Your question was counted as #\d+ ✓/)).toBeVisible();
  await expect(ownItem(page, OFFLINE_Q).getByText('Waiting for the moderator')).toBeVisible();
  await expect(page.getByText('You are offline')).toHaveCount(0);

  const staff = await untilStaff(stage, (v) => (v.polls.p1?.tallies?.lis === 1 && Object.keys(v.questions).length === 1 ? v : undefined), 'offline actions');
  expect(staff.polls.p1?.ballots).toBe(1);
  expect(Object.values(staff.questions).map((q) => q.text)).toEqual([OFFLINE_Q]);
  const mine = await entriesOf(stage, clientId);
  expect(mine.filter((e) => e.name === 'vote.cast')).toHaveLength(1);
  expect(mine.filter((e) => e.name === 'question.ask')).toHaveLength(1);
  await page.screenshot({ path: shot('audience-back-online.png'), animations: 'disabled' });
});

test('I6 "sent" until acked: a vote written to a stalled hub shows sent, then counted once the hub answers', async () => {
  const hubPid = stage.hub.child.pid;
  if (!hubPid) throw new Error('no hub pid');
  await openLive(page);
  process.kill(hubPid, 'SIGSTOP');
  try {
    await pollCard(page, POLL_Q).getByRole('button', { name: 'Oslo' }).click();
    await expect(pollCard(page, POLL_Q).getByText('Your vote was sent')).toBeVisible();
  } finally {
    process.kill(hubPid, 'SIGCONT');
  }
  await expect(pollCard(page, POLL_Q).getByText(/Your vote was counted as #\d+ ✓/)).toBeVisible({ timeout: 30_000 });
  await untilStaff(stage, (v) => v.polls.p1?.tallies?.osl === 1 && v.polls.p1.tallies.lis === 0, 'oslo');
  const votes = (await entriesOf(stage, clientId)).filter((e) => e.name === 'vote.cast');
  expect(votes).toHaveLength(2); // Lisbon, then Oslo: each once, however often it was resent
  expect(new Set(votes.map((v) => v.id)).size).toBe(2);
});

test('I6 a reload resumes the same identity: same ballot, same own questions', async () => {
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Town hall' })).toBeVisible();
  expect(await clientIdOf(page, stage.code)).toBe(clientId);
  await expect(pollCard(page, POLL_Q).getByRole('button', { name: 'Oslo' })).toHaveAttribute('aria-pressed', 'true');
  await openQnA(page);
  await expect(ownItem(page, OFFLINE_Q).getByText('Waiting for the moderator')).toBeVisible();
  await openLive(page);
});

test('I6 reconnect and resume are transparent across a hub restart; a vote made during the outage is counted', async () => {
  const { port, dataDir } = stage.hub;
  stage.host.close();
  await stage.hub.kill('SIGTERM');
  await expect(page.getByText(/Reconnecting/)).toBeVisible();
  await pollCard(page, POLL_Q).getByRole('button', { name: 'Berlin' }).click();
  await expect(pollCard(page, POLL_Q).getByText('waiting to send')).toBeVisible();

  stage.hub = await startHubProcess({ dataDir, port, args: ['--join-rate', '1000'] });
  const t = await staffToken(stage.hub.url, stage.eventId, 'host', 'Host');
  stage.host = await TestClient.connect(stage.hub.url, t.token);
  stage.host.send({ t: 'sub', view: 'staff' });
  await expect(pollCard(page, POLL_Q).getByText(/Your vote was counted as #\d+ ✓/)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(/Reconnecting/)).toHaveCount(0);
  await untilStaff(stage, (v) => v.polls.p1?.tallies?.ber === 1 && v.polls.p1.ballots === 1, 'berlin after restart');
  // The view resumed: a change made after the restart reaches the phone.
  await hostPub(stage, 'poll.reveal', { pollId: 'p1', visible: true });
  await expect(pollCard(page, POLL_Q).getByRole('list', { name: 'Results' })).toContainText('100% · 1');
});

async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  if (!addr || typeof addr === 'string') throw new Error('no port');
  return addr.port;
}

test('I6 ?hubs= list: a dead first hub is skipped for the next one', async ({ browser }) => {
  const dead = `http://127.0.0.1:${await deadPort()}`;
  const { context: c2, page: p2 } = await newPhone(browser);
  try {
    await p2.goto(`${stage.hub.url}/j/${stage.code}?hubs=${encodeURIComponent(`${dead},${stage.hub.url}`)}`);
    await p2.getByRole('button', { name: 'Join' }).click();
    await expect(p2.getByRole('heading', { level: 1, name: 'Town hall' })).toBeVisible();
    const dot = p2.getByRole('img', { name: /Connection: (Live|Connected)/ });
    await expect(dot).toBeVisible({ timeout: 30_000 });
    await expect(dot).toHaveAttribute('data-hub', `${stage.hub.url.replace(/^http/, 'ws')}/v1/ws`);
    await expect(p2).toHaveURL(/\?hubs=/); // the list survives the move to /j/<code>
    await pollCard(p2, POLL_Q).getByRole('button', { name: 'Lisbon' }).click();
    await expect(pollCard(p2, POLL_Q).getByText(/Your vote was counted as #\d+ ✓/)).toBeVisible();
  } finally {
    await c2.close();
  }
});
