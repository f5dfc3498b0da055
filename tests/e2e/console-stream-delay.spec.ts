/**
 * Issue 16 (P30 in the console): through the web host against a real hub, the host opens a poll,
 * "the stream" shows it two seconds later (the moment the test presses Mark, once the hub clock
 * is two seconds past the opening's log `ts`), the console proposes that difference, and Use
 * sets it as the event's `streamDelayMs` (the hub's staff view has it) and the Live screen shows it.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { StaffView } from '../../src/shared/domain/types';
import type { WireEntry } from '../../src/shared/protocol';
import { ADMIN_KEY, joinAudience, ROOT, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { createEventOnHub, createOpenSingleChoicePoll, goTo } from './helpers/console-page';

let hub: HubProcess;
let host: ConsoleHost;
let staff: TestClient | undefined;

test.afterAll(async () => {
  staff?.close();
  await host?.stop();
  await hub?.kill();
});

test('P30 mark: the press after the stream shows a cue change becomes the stream delay once the host confirms', async ({ browser }) => {
  hub = await startHubProcess();
  host = await startConsoleHost(['--hub', hub.url]);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(host.url);
  const code = await createEventOnHub(page, hub.url, ADMIN_KEY, 'Streamed keynote');
  const { eventId } = await joinAudience(hub.url, code);
  staff = await TestClient.connect(hub.url, (await staffToken(hub.url, eventId, 'host', 'Check')).token);
  const watcher = staff;
  watcher.send({ t: 'sub', view: 'staff' });
  watcher.send({ t: 'sub', view: 'log', since: 0 });

  await goTo(page, 'Live');
  const panel = page.getByRole('region', { name: 'Stream delay' });
  await expect(panel.getByTestId('stream-delay-value')).toHaveText(/None set/);
  await expect(panel.getByRole('button', { name: 'Mark: the stream shows it now' })).toBeDisabled();

  await createOpenSingleChoicePoll(page, 'Coffee or tea?', ['Coffee', 'Tea']);
  const opened = await watcher.until(() => watcher.frames.flatMap((f) => (f.t === 'log' ? f.entries : [])).find((e: WireEntry) => e.name === 'poll.open'));
  await goTo(page, 'Live');
  await expect(panel).toContainText('Last change: poll opened');
  // "The stream" shows the opening two seconds late: press then (hub and test share this machine's clock).
  await expect.poll(() => Date.now() - opened.ts, { timeout: 10_000, intervals: [20] }).toBeGreaterThanOrEqual(2_000);
  const before = Date.now();
  await panel.getByRole('button', { name: 'Mark: the stream shows it now' }).click();
  const proposal = panel.getByTestId('stream-delay-proposal');
  await expect(proposal).toContainText('Measured');
  const after = Date.now();
  const measured = Number(/Measured ([\d.]+) s/.exec((await proposal.textContent()) ?? '')?.[1]) * 1000;
  expect(measured).toBeGreaterThanOrEqual(Math.floor((before - opened.ts) / 100) * 100 - 100);
  expect(measured).toBeLessThanOrEqual(after - opened.ts + 100);
  await page.screenshot({ path: path.join(ROOT, 'test-results', 'console-stream-delay.png') });

  await proposal.getByRole('button', { name: /^Use / }).click();
  await watcher.until(() => ((watcher.views.staff?.doc as StaffView | undefined)?.event.settings.streamDelayMs === measured ? true : undefined));
  await expect(panel.getByTestId('stream-delay-value')).toContainText(`${(measured / 1000).toFixed(1)} s`);
  await expect(proposal).toHaveCount(0);
  await page.close();
});
