/**
 * Issue 14.11 in the console core, against the real hub: the post-event report pages a log
 * longer than one history page (P17) with progress events, two clicks share one build, the
 * per-cue reach the console saw (P27) survives a console restart, and without the hub the
 * report says why instead of exporting a partial one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ReportProgress, SessionInfo } from '../../src/shared/console-api';
import { ConsoleCore } from '../../src/main/core/console-core';
import { createEvent, joinAudience, staffToken, startHubProcess, tempDir, type HubProcess } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { waitUntil } from '../helpers/wait';
import { must } from './fixtures/wait';

let hub: HubProcess | null = null;
const cores: ConsoleCore[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  for (const c of cores) await c.close();
  await hub?.kill();
});

const newCore = (dir: string): ConsoleCore => {
  const c = new ConsoleCore({ userDataDir: dir, shell: 'web', version: '1.0.0' });
  cores.push(c);
  return c;
};
const connected = (core: ConsoleCore): Promise<unknown> =>
  waitUntil(async () => must(await core.request('link/status', {})).state === 'connected' && must(await core.request('view/get', {})), 'the console connected with a view', 20_000);

describe('post-event report (console core)', () => {
  it('reads a two-page log with progress, shares one build between two clicks, keeps reach across a restart, and refuses offline', async () => {
    hub = await startHubProcess();
    const ev = await createEvent(hub.url, 'Long night');
    const host = await staffToken(hub.url, ev.eventId, 'host', 'Hana');
    const dir = tempDir('report-core');
    let core = newCore(dir);
    must(await core.start());
    const s: SessionInfo = must(await core.request('session/joinRemote', { hubUrls: [hub.url], token: host.token }));
    expect(s.role).toBe('host');
    await connected(core);

    // A poll one audience connection shows (P27 `at`): the console records its reach from stats.
    const aud = await TestClient.connect(hub.url, (await joinAudience(hub.url, ev.joinCode, 'Ann')).token);
    clients.push(aud);
    aud.send({ t: 'sub', view: 'audience' });
    must(await core.request('publish', { name: 'poll.create', data: { pollId: 'p1', question: 'Tea?', kind: 'single', options: [{ id: 'a', label: 'Yes' }, { id: 'b', label: 'No' }] } }));
    must(await core.request('publish', { name: 'poll.open', data: { pollId: 'p1' } }));
    const stats: Array<{ cues: Record<string, number> }> = [];
    core.on('stats', (f) => f.delivery && stats.push(f.delivery.audience));
    await aud.until(() => ((aud.views.audience?.doc as { polls?: Record<string, { status: string }> })?.polls?.p1?.status === 'open' ? true : undefined));
    aud.send({ t: 'at', view: 'audience', serial: aud.views.audience?.serial ?? 0 });
    await waitUntil(() => stats.some((d) => d.cues.p1 === 1), 'a stats frame where the poll reached Ann', 20_000);
    expect((await aud.pub('v', 'vote.cast', { pollId: 'p1', optionIds: ['a'] })).t).toBe('ack');

    // Over one history page: three staff clients, each within its burst (P24), 1,140 entries.
    const pumps = await Promise.all([0, 1, 2].map(async (k) => TestClient.connect(hub!.url, (await staffToken(hub!.url, ev.eventId, 'host', `Pump ${k}`)).token)));
    clients.push(...pumps);
    await Promise.all(
      pumps.map(async (p, k) => {
        for (let i = 0; i < 380; i++) p.send({ t: 'pub', id: `pump-${k}-${i}`, name: 'poll.reveal', data: { pollId: 'p1', visible: i % 2 === 0 } });
        await p.waitFor((f) => f.t === 'ack' && f.id === `pump-${k}-379`, { timeoutMs: 30_000 });
      }),
    );
    // Closed: no stats frame counts the poll any more, so its reach can only come from what the console kept.
    must(await core.request('publish', { name: 'poll.close', data: { pollId: 'p1' } }));
    const target = await waitUntil(async () => {
      const v = must(await core.request('view/get', {}));
      const doc = v?.doc as { polls: Record<string, { status: string }> } | undefined;
      return v && v.serial >= 1_140 && doc?.polls.p1?.status === 'closed' ? v.serial : undefined;
    }, 'the console’s view past the pumped entries and the close', 20_000);

    // Restart the console: the same event, and the reach it saw is still there.
    await core.close();
    core = newCore(dir);
    must(await core.start());
    await connected(core);
    const progress: ReportProgress[] = [];
    core.on('report', (p) => progress.push(p));
    const [one, two] = await Promise.all([core.request('report/build', {}), core.request('report/build', {})]);
    const bundle = must(one);
    expect(must(two)).toEqual(bundle);
    const r = bundle.report;
    expect(r.event.serial).toBeGreaterThanOrEqual(target);
    expect(r.event.joinCode).toBe(ev.joinCode);
    expect(r.polls).toHaveLength(1);
    expect(r.polls[0]?.closedAt).toBeGreaterThan(r.polls[0]?.openedAt ?? Infinity);
    expect(r.polls[0]).toMatchObject({ opens: 1, reach: { reached: 1, subscribers: 1 }, poll: { ballots: 1, tallies: { a: 1, b: 0 } } });
    expect(r.participation).toMatchObject({ uniqueParticipants: 1, voters: 1 });
    // Progress: several pages, never backwards, ending done at the serial it read to.
    const reading = progress.filter((p) => p.phase === 'reading');
    expect(reading.length).toBeGreaterThanOrEqual(2);
    expect(reading.some((p) => p.done > 0 && p.done < r.event.serial)).toBe(true);
    expect(reading.map((p) => p.done)).toEqual([...reading.map((p) => p.done)].sort((x, y) => x - y));
    expect(progress.at(-1)).toEqual({ phase: 'done', done: r.event.serial, total: r.event.serial });
    expect(bundle.files.map((f) => f.filename.replace(/-\d{8}-\d{4}\.csv$/, ''))).toEqual(
      ['participation', 'polls', 'quiz-answers', 'quiz-scores', 'questions'].map((p) => `stagecall-Long-night-report-${p}`),
    );
    expect(bundle.htmlFilename).toMatch(/^stagecall-Long-night-report-\d{8}-\d{4}\.html$/);

    // Without the hub: a clear refusal, not a partial report.
    await hub.kill();
    hub = null;
    await waitUntil(async () => must(await core.request('link/status', {})).state !== 'connected', 'the link to notice the hub is gone', 20_000);
    expect(await core.request('report/build', {})).toMatchObject({ ok: false, error: { code: 'not_connected', message: expect.stringContaining('whole log') } });
  });
});
