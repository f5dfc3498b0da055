/**
 * Issue 14, console items 1 and 4-7: what a producer hits on the night. One hub, one console
 * (through the web host) for the file; each test names the item it pins.
 */
import { expect, test, type Page } from '@playwright/test';
import { ADMIN_KEY, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { closeAll, joinMany, type Member } from './helpers/audience';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, goTo, openConsole } from './helpers/console-page';

test.describe.configure({ mode: 'serial' });

let hub: HubProcess;
let host: ConsoleHost;
let members: Member[] = [];
let page: Page;
let joinCode = '';

test.beforeAll(async ({ browser }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await openConsole(page, host.url);
  joinCode = await createEventOnHub(page, hub.url, ADMIN_KEY, 'Defects night');
});

test.afterAll(async () => {
  await page?.close();
  closeAll(members);
  await host?.stop();
  await hub?.kill();
});

test('14.1 a bulk archive of 260 questions settles the outbox indicator and table without a reload', async () => {
  members = await joinMany(hub.url, joinCode, 13);
  const ids: string[] = [];
  // 13 askers x 20 questions: over the 200 newest the core used to report, and within each asker's rate limit.
  await Promise.all(
    members.map(async (m, i) => {
      for (let k = 0; k < 20; k++) {
        const id = `bulk-${i}-${k}`;
        ids.push(id);
        const f = await m.client.pub(`ask-${id}`, 'question.ask', { questionId: id, text: `Question ${i}.${k} from the floor` });
        expect(f.t).toBe('ack');
      }
    }),
  );
  await goTo(page, 'Q&A');
  const selectAll = page.getByRole('checkbox', { name: /^Select all \d+ shown$/ });
  await expect(selectAll).toHaveAccessibleName(`Select all ${ids.length} shown`);
  await selectAll.check();
  await page.getByRole('button', { name: 'Archive selected' }).click();
  const count = page.getByTestId('outbox-count');
  await expect(count).toHaveText(/sending|queued|Outbox empty/);
  await expect(count).toHaveText(/Outbox empty/, { timeout: 60_000 });
  await goTo(page, 'Connection');
  const outbox = page.getByRole('table', { name: 'Outbox' });
  await expect(outbox.locator('tr[data-state="queued"], tr[data-state="sent"]')).toHaveCount(0);
});

test('14.4 Live: one unit per chart, units in tooltips, ack latency from the hub stats with a line', async () => {
  // Some acks for the hub to measure while we look.
  const voter = members[0] as Member;
  let n = 0;
  const busy = setInterval(() => voter.client.send({ t: 'pub', id: `live-r-${n++}`, name: 'reaction.send', data: { emoji: '👍' } }), 300);
  try {
    await goTo(page, 'Live');
    const charts = page.locator('figure.chart');
    await expect(charts.first()).toBeVisible();
    const units = await charts.evaluateAll((els) => els.map((e) => e.getAttribute('data-unit') ?? ''));
    const captions = await charts.locator('figcaption').allTextContents();
    // Every caption names exactly one unit: no "% / ms", "per second / minute", "count, frames/s".
    for (const [i, c] of captions.entries()) {
      expect(c).toContain(`(${units[i]})`);
      expect(units[i]).not.toMatch(/[/,]/);
    }
    // Latency that lives on different scales is on different charts.
    const unitOf = (title: string) => charts.filter({ has: page.locator('figcaption', { hasText: new RegExp(`^${title} \\(`) }) });
    await expect(unitOf('Round trip')).toHaveAttribute('data-unit', 'ms');
    await expect(unitOf('Delivery')).toHaveAttribute('data-unit', 'ms');
    const ackTile = page.locator('.tile', { hasText: 'Ack latency' });
    await expect(ackTile.locator('strong')).toHaveText(/^\d+(\.\d)? ms \/ \d+(\.\d)? ms$/, { timeout: 30_000 });
    // The ack line draws (a path with points), in the Delivery chart.
    const delivery = unitOf('Delivery');
    // A chart redraws only while it is on screen (metric-chart.tsx): bring it into view first.
    await delivery.scrollIntoViewIfNeeded();
    await expect.poll(async () => (await delivery.locator('.chart-line').first().getAttribute('d'))?.length ?? 0, { timeout: 30_000 }).toBeGreaterThan(10);
    // The tooltip carries the unit.
    const hoverTooltip = async (chart: typeof delivery, unit: RegExp): Promise<void> => {
      const plot = chart.locator('.chart-box');
      await plot.scrollIntoViewIfNeeded();
      const box = await plot.boundingBox();
      if (!box) throw new Error('no chart box');
      await plot.hover({ position: { x: box.width * 0.7, y: box.height / 2 } });
      await plot.hover({ position: { x: box.width * 0.75, y: box.height / 2 } });
      await expect(chart.locator('.chart-tooltip')).toContainText(unit);
    };
    await hoverTooltip(delivery, /\d ms/);
    await hoverTooltip(unitOf('Engagement'), /\d\/s/);
  } finally {
    clearInterval(busy);
  }
});

test('14.5 multiple choice: percent of voters on the console and in the CSV, and labelled so', async () => {
  await goTo(page, 'Run of show');
  await page.getByRole('button', { name: '+ New poll' }).click();
  const form = page.getByRole('form', { name: 'New poll' });
  await form.getByRole('radio', { name: 'Multiple choice' }).check();
  await form.getByLabel('Question').fill('Which sessions will you attend?');
  await form.getByRole('textbox', { name: 'Option 1', exact: true }).fill('Keynote');
  await form.getByRole('textbox', { name: 'Option 2', exact: true }).fill('Workshop');
  await form.getByRole('button', { name: 'Create and open' }).click();
  const card = page.getByTestId('poll-card').filter({ hasText: 'Which sessions will you attend?' });
  await expect(card.getByTestId('poll-status')).toHaveText(/Voting open/);
  const pollId = (await card.getAttribute('data-poll-id')) ?? '';
  // 13 voters: all chose the keynote, 10 also the workshop (23 selections).
  await Promise.all(members.map((m, i) => m.client.pub(`mc-${i}`, 'vote.cast', { pollId, optionIds: i < 10 ? ['o1', 'o2'] : ['o1'] })));
  await expect(card.getByTestId('ballots')).toHaveText('13');
  const results = card.getByRole('list', { name: 'Results' });
  await expect(results.locator('[data-option="o1"]')).toContainText('100% (13)');
  await expect(results.locator('[data-option="o2"]')).toContainText('77% (10)');
  await expect(card.getByTestId('percent-note')).toHaveText('% of the 13 voters; each could choose several, so they add up to more than 100%');

  await goTo(page, 'Setup');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export polls (CSV)' }).click();
  const file = await (await download).path();
  const csv = (await import('node:fs')).readFileSync(file, 'utf8');
  expect(csv).toContain('percent of voters');
  expect(csv).toContain('Which sessions will you attend?,multiple,Keynote,13,100,13');
  expect(csv).toContain('Which sessions will you attend?,multiple,Workshop,10,76.9,13');
});

test('14.6 keys: nothing pre-marked in the quiz editor; End quiz disabled before the start and asks; v reveals, r and e do nothing on Run of show', async () => {
  await goTo(page, 'Run of show');
  await page.getByRole('button', { name: '+ New quiz' }).click();
  const form = page.locator('form', { has: page.getByRole('heading', { name: 'New quiz' }) });
  await form.getByLabel('Quiz title').fill('Keys quiz');
  await form.getByLabel('Question 1 prompt').fill('Two plus two?');
  await form.getByRole('textbox', { name: 'Answer 1', exact: true }).fill('3');
  await form.getByRole('textbox', { name: 'Answer 2', exact: true }).fill('4');
  await expect(form.getByRole('radio', { name: 'Answer 1 is correct' })).not.toBeChecked();
  await form.getByRole('button', { name: 'Create quiz' }).click();
  await expect(form).toContainText('Question 1: mark the correct answer.');
  await form.getByRole('radio', { name: 'Answer 2 is correct' }).check();
  await form.getByRole('button', { name: 'Create quiz' }).click();
  const card = page.getByTestId('quiz-card').filter({ hasText: 'Keys quiz' });
  await expect(card).toBeVisible();
  const end = card.getByRole('button', { name: 'End quiz' });
  await expect(end).toBeDisabled();
  await page.getByRole('list', { name: 'Polls and quizzes' }).locator('button.cue-item').filter({ hasText: 'Keys quiz' }).click();
  // e (archive in Q&A) does not end a quiz here.
  await page.keyboard.press('e');
  await page.keyboard.press('n');
  await expect(card.getByRole('region', { name: 'Current question' })).toBeVisible();
  await expect(card.locator('.tag', { hasText: /Running/ })).toBeVisible();
  // r (reject in Q&A) does not reveal; v does.
  await page.keyboard.press('r');
  await page.keyboard.press('e');
  await expect(card.getByRole('button', { name: 'Reveal answer' })).toBeEnabled();
  await expect(card.locator('.tag', { hasText: /Running/ })).toBeVisible();
  await page.keyboard.press('v');
  await expect(card.getByRole('button', { name: 'Reveal answer' })).toBeDisabled();
  // End asks; dismissing keeps the quiz running, accepting ends it.
  await expect(end).toBeEnabled();
  page.once('dialog', (d) => void d.dismiss());
  await end.click();
  await expect(card.locator('.tag', { hasText: /Running/ })).toBeVisible();
  page.once('dialog', (d) => {
    expect(d.message()).toContain('End the quiz “Keys quiz”');
    void d.accept();
  });
  await end.click();
  await expect(card.locator('.tag', { hasText: /Ended/ })).toBeVisible();
});

test('14.7 each screen has its own scroll position; focus follows the selected cue; the outbox names what it acted on', async () => {
  await page.setViewportSize({ width: 1280, height: 520 });
  const main = page.locator('main');
  const scrollTop = () => main.evaluate((el) => el.scrollTop);
  // What the producer sees: which chart sits at the top of the screen, and where. A banner that
  // appears above it meanwhile (a reach warning under load) moves scrollTop, not what is seen.
  const topChart = () =>
    main.evaluate((el) => {
      const top = el.getBoundingClientRect().top;
      const fig = [...el.querySelectorAll('figure.chart')].find((f) => f.getBoundingClientRect().bottom > top + 1);
      return fig ? `${fig.querySelector('figcaption')?.textContent ?? '?'} @ ${Math.round(fig.getBoundingClientRect().top - top)}` : 'none';
    });
  await goTo(page, 'Live');
  await expect(page.locator('figure.chart').first()).toBeVisible();
  await main.evaluate((el) => (el.scrollTop = 700));
  await expect.poll(scrollTop).toBeGreaterThan(300);
  const liveSeen = await topChart();
  await goTo(page, 'Setup');
  await expect(page.getByRole('heading', { name: 'Export results' })).toBeAttached();
  expect(await main.evaluate((el) => el.scrollHeight > el.clientHeight + 300)).toBe(true);
  expect(await scrollTop()).toBe(0);
  await goTo(page, 'Live');
  await expect.poll(scrollTop).toBeGreaterThan(300);
  await expect.poll(topChart).toBe(liveSeen);
  await page.setViewportSize({ width: 1440, height: 900 });

  await goTo(page, 'Run of show');
  const list = page.getByRole('list', { name: 'Polls and quizzes' });
  await list.getByRole('button').first().click();
  await page.keyboard.press('j');
  const current = list.locator('button[aria-current="true"]');
  await expect(current).toBeFocused();
  await page.keyboard.press('k');
  await expect(list.getByRole('button').first()).toHaveAttribute('aria-current', 'true');
  await expect(list.getByRole('button').first()).toBeFocused();

  await goTo(page, 'Connection');
  const row = page.getByRole('table', { name: 'Outbox' }).locator('tr[data-name="poll.open"]').first();
  await expect(row.locator('td').nth(2)).toHaveText('Which sessions will you attend?');
});
