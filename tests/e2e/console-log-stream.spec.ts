/**
 * Issue 15.3 through the web host against a real hub: the console subscribes to the hub's
 * per-entry log stream only while a screen shows the log. On Run of show and Live the hub sends
 * this console no `log` frame however many reactions come in (the hub's own
 * stagecall_frames_out_total{kind="log"} says so, and this console is the event's only staff
 * client); the Connection screen's live log starts it, and leaving that screen stops it again.
 */
import { expect, test } from '@playwright/test';
import type { StaffView } from '../../src/shared/domain/types';
import { createEvent, joinAudience, staffToken, startHubProcess, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { startConsoleHost, type ConsoleHost } from './helpers/console-host';
import { goTo, openConsole } from './helpers/console-page';

let hub: HubProcess | undefined;
let host: ConsoleHost | undefined;
const clients: TestClient[] = [];

test.afterAll(async () => {
  for (const c of clients) c.close();
  await host?.stop();
  await hub?.kill();
});

/** Log frames the hub has sent to anyone (only the console subscribes to the log here). */
async function logFramesSent(hubUrl: string): Promise<number> {
  const text = await (await fetch(`${hubUrl}/metrics`)).text();
  const m = /^stagecall_frames_out_total\{kind="log"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

test('15.3 the log stream is subscribed only while the Connection screen shows the live log', async ({ page }) => {
  hub = await startHubProcess();
  const ev = await createEvent(hub.url, 'Log on demand');
  const hostToken = (await staffToken(hub.url, ev.eventId, 'host', 'Hana')).token;
  host = await startConsoleHost(['--hub', hub.url, '--token', hostToken]);
  await openConsole(page, host.url);
  await expect(page.getByRole('status', { name: 'Link: Connected' })).toBeVisible({ timeout: 30_000 });
  const url = hub.url;
  const aud = await TestClient.connect(url, (await joinAudience(url, ev.joinCode)).token);
  clients.push(aud);
  aud.send({ t: 'sub', view: 'audience' });
  let sent = 0;
  /** A reaction, acked and shown in the audience view (so the hub has streamed it to every log subscriber by then). */
  const react = async (): Promise<void> => {
    sent++;
    expect((await aud.pub(`r${sent}`, 'reaction.send', { emoji: '👏' })).t).toBe('ack');
    await aud.until(() => (((aud.views.audience?.doc as StaffView | undefined)?.reactions['👏'] ?? 0) >= sent ? true : undefined));
  };

  // Run of show, then Live: votes/s and the stream-delay mark need no log.
  for (const screen of ['Run of show', 'Live'] as const) {
    await goTo(page, screen);
    for (let i = 0; i < 5; i++) await react();
    expect(await logFramesSent(url), screen).toBe(0);
  }

  // The live log on Connection: the stream starts, with the recent past, and keeps flowing.
  await goTo(page, 'Connection');
  const log = page.getByRole('table', { name: 'Log entries, newest first' });
  await expect(log.getByText('reaction.send').first()).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => logFramesSent(url), { timeout: 15_000 }).toBeGreaterThan(0);
  const before = await logFramesSent(url);
  await react();
  await expect.poll(() => logFramesSent(url), { timeout: 15_000 }).toBeGreaterThan(before);

  // Leaving it drops the stream: a reaction after that reaches the audience and no log frame goes out.
  await goTo(page, 'Live');
  await expect
    .poll(
      async () => {
        const n = await logFramesSent(url);
        await react();
        return (await logFramesSent(url)) - n;
      },
      { timeout: 15_000 },
    )
    .toBe(0);
});
