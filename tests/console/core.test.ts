/**
 * ConsoleCore end to end in plain Node, local-event mode (the hub in-process) and remote
 * mode (a second console joining with a token it was issued): every request of the
 * contract, the events it emits, refusal of bad actions before they are queued, CSV export
 * with formula injection neutralised, the journal lock, and a restart that resumes the
 * same event by patch from the cached view.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { EventName, Events, OutboxItem } from '../../src/shared/console-api';
import { ConsoleCore } from '../../src/main/core/console-core';
import { joinAudience, tempDir } from '../helpers/hub-process';
import { TestClient } from '../helpers/test-client';
import { waitUntil } from '../helpers/wait';
import { must } from './fixtures/wait';

type Seen = { [E in EventName]: Array<Events[E]> };
function record(core: ConsoleCore): Seen {
  const seen = { status: [], session: [], sync: [], rtt: [], ack: [], stats: [], outbox: [], log: [], rehearsal: [], notice: [] } as unknown as Seen;
  for (const e of Object.keys(seen) as EventName[]) core.on(e, (p) => (seen[e] as unknown[]).push(p));
  return seen;
}
const lastOutbox = (seen: Seen, id: string): OutboxItem | undefined =>
  seen.outbox
    .flat()
    .filter((i) => i.id === id)
    .pop();

const cores: ConsoleCore[] = [];
const clients: TestClient[] = [];
afterAll(async () => {
  for (const c of clients) c.close();
  for (const c of cores.reverse()) await c.close();
});

describe('ConsoleCore', () => {
  const dirA = tempDir('core-a');

  it('local event: publish, refuse, mirror, export, issue tokens, second console, lock, restart', { timeout: 90_000 }, async () => {
    const a = new ConsoleCore({ userDataDir: dirA, shell: 'web', version: '1.2.3' });
    cores.push(a);
    const seen = record(a);
    expect(must(await a.start())).toMatchObject({ mode: 'none', eventId: null });
    expect(must(await a.request('app/info', {}))).toEqual({ version: '1.2.3', shell: 'web', platform: process.platform });
    expect(await a.request('publish', { name: 'poll.open', data: { pollId: 'x' } })).toMatchObject({ ok: false, error: { code: 'not_connected' } });

    // Local mode: in-process hub, event, host token, connection.
    // Loopback only (--local-only): the LAN default is pinned by local-lan.test.ts.
    const s = must(await a.request('session/startLocal', { title: 'Town hall', lan: false }));
    expect(s).toMatchObject({ mode: 'local', title: 'Town hall', role: 'host', canIssueTokens: true });
    expect(s.joinUrl).toBe(`${s.hubUrls[0]}/j/${s.joinCode}`);
    expect(s.joinUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/j\/[A-Z0-9]{6}$/);
    const hubUrl = s.hubUrls[0] as string;
    await waitUntil(() => seen.status.some((x) => x.state === 'connected'), 'connected', 20_000);
    expect(seen.session.at(-1)).toEqual(s);
    expect(must(await a.request('link/status', {}))).toMatchObject({ state: 'connected', hubUrl, hubUrls: [hubUrl], node: 'console', attempt: 0 });

    // Refused at once with a clear error, never queued.
    const before = must(await a.request('outbox/list', {})).length;
    expect(await a.request('publish', { name: 'poll.create', data: { pollId: 'p1' } })).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('poll.create') } });
    expect(await a.request('publish', { name: 'vote.cast', data: { pollId: 'p1', optionIds: ['a'] } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await a.request('publish', { name: 'no.such' as 'poll.open', data: {} })).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(must(await a.request('outbox/list', {})).length).toBe(before);

    // Accepted: queued (durable), then acknowledged and applied; an ack sample; the mirror follows by sync events.
    const poll = { pollId: 'p1', question: 'Best talk?', kind: 'single', options: [{ id: 'a', label: '=1+1' }, { id: 'b', label: 'Keynote, "the" one' }] };
    const created = must(await a.request('publish', { name: 'poll.create', data: poll }));
    expect(created).toMatchObject({ state: 'queued', name: 'poll.create', serial: null });
    const opened = must(await a.request('publish', { name: 'poll.open', data: { pollId: 'p1' } }));
    await waitUntil(() => lastOutbox(seen, opened.id)?.state === 'acknowledged', 'ack', 10_000);
    expect(lastOutbox(seen, created.id)).toMatchObject({ state: 'acknowledged', applied: true, dup: false });
    expect(seen.ack.length).toBeGreaterThanOrEqual(2);
    expect(seen.ack[0]?.ms).toBeGreaterThanOrEqual(0);

    // The audience votes and asks (one question written to attack a spreadsheet).
    const { token: audToken } = await joinAudience(hubUrl, s.joinCode as string, '@alice');
    const aud = await TestClient.connect(hubUrl, audToken);
    clients.push(aud);
    expect((await aud.pub('v1', 'vote.cast', { pollId: 'p1', optionIds: ['a'] })).t).toBe('ack');
    expect((await aud.pub('q1', 'question.ask', { questionId: 'q1', text: '=HYPERLINK("http://evil","click")' })).t).toBe('ack');
    expect((await aud.pub('q2', 'question.ask', { questionId: 'q2', text: 'Plain, with "quotes"\nand a newline' })).t).toBe('ack');

    const view = await waitUntil(async () => {
      const v = must(await a.request('view/get', {}));
      const doc = v?.doc as { polls: Record<string, { ballots: number }>; questions: Record<string, unknown> } | undefined;
      return doc?.polls.p1?.ballots === 1 && Object.keys(doc.questions).length === 2 ? v : undefined;
    }, 'the vote and questions in the mirror', 15_000);
    expect(view?.serial).toBeGreaterThan(0);
    expect(seen.sync.some((e) => e.patch !== undefined)).toBe(true); // patches, not whole documents, after the first
    // No screen shows the log yet: the per-entry stream is not subscribed, no log event was sent.
    expect(a.logStreaming).toBe(false);
    expect(seen.log).toEqual([]);
    expect(must(await a.request('log/recent', {}))).toEqual([]);
    // One page of history needs no stream (the Q&A screen's teammates, the stream-delay mark).
    expect(must(await a.request('log/read', { from: 1, limit: 1000 })).map((e) => e.id)).toEqual(expect.arrayContaining([created.id, 'v1', 'q1', 'q2']));
    expect(a.logStreaming).toBe(false);
    // The log screen opens: the stream starts from the recent past.
    expect(must(await a.request('log/watch', { watcher: 'w1', on: true }))).toEqual({ streaming: true });
    expect(a.logStreaming).toBe(true);
    await waitUntil(() => seen.log.flat().some((e) => e.id === 'q2'), 'log entries', 10_000);
    expect(must(await a.request('log/recent', { limit: 1000 })).map((e) => e.id)).toEqual(expect.arrayContaining([created.id, 'v1', 'q1', 'q2']));
    // Counted by watcher: a second screen's watch ends, the first's still holds the stream.
    must(await a.request('log/watch', { watcher: 'w2', on: true }));
    expect(must(await a.request('log/watch', { watcher: 'w2', on: false }))).toEqual({ streaming: true });
    expect(must(await a.request('log/watch', { watcher: 'w1', on: false }))).toEqual({ streaming: false });
    expect(a.logStreaming).toBe(false);
    const logsBefore = seen.log.length;
    const syncsBefore = seen.sync.length;
    expect((await aud.pub('r1', 'reaction.send', { emoji: '👏' })).t).toBe('ack');
    await waitUntil(() => seen.sync.length > syncsBefore, 'the view moves on', 10_000);
    expect(seen.log.length).toBe(logsBefore);
    await waitUntil(() => seen.stats.length > 0 && seen.rtt.length > 0, 'stats and rtt events', 10_000);

    // CSV export (RFC 4180, formula injection neutralised).
    const polls = must(await a.request('results/export', { kind: 'polls' }));
    expect(polls.mime).toBe('text/csv');
    expect(polls.filename).toMatch(/^stagecall-Town-hall-polls-\d{8}-\d{4}\.csv$/);
    expect(polls.content).toBe('\uFEFFpoll,kind,option,votes,percent of voters,voters\r\nBest talk?,single,\'=1+1,1,100,1\r\nBest talk?,single,"Keynote, ""the"" one",0,0,1\r\n');
    const questions = must(await a.request('results/export', { kind: 'questions' })).content.split('\r\n');
    expect(questions[0]).toBe('\uFEFFtext,author,status,upvotes,asked at,pinned,answered');
    expect(questions[1]).toMatch(/^"'=HYPERLINK\(""http:\/\/evil"",""click""\)",'@alice,(pending|approved),0,\d{4}-\d\d-\d\dT[\d:.]+Z,false,false$/);
    expect(questions.slice(2).join('\r\n')).toMatch(/^"Plain, with ""quotes""\nand a newline",'@alice,/);
    expect(must(await a.request('results/export', { kind: 'quizzes' })).content).toBe('\uFEFFquiz,rank,name,score,streak\r\n');

    // Teammates: a moderator token; a second console joins with it (remote mode).
    const mod = must(await a.request('token/issue', { role: 'moderator', name: 'Mia' }));
    expect(mod).toMatchObject({ role: 'moderator', name: 'Mia' });
    const b = new ConsoleCore({ userDataDir: tempDir('core-b'), shell: 'electron', version: '1.2.3' });
    cores.push(b);
    const seenB = record(b);
    must(await b.start());
    const sb = must(await b.request('session/joinRemote', { hubUrls: [hubUrl], token: mod.token }));
    expect(sb).toMatchObject({ mode: 'remote', eventId: s.eventId, role: 'moderator', name: 'Mia', canIssueTokens: false, joinCode: null });
    // Issue 14.7: the token names no join code; the hub's welcome does, and the console keeps it.
    await waitUntil(() => seenB.session.some((x) => x.joinCode === s.joinCode), 'the join code from the welcome', 15_000);
    expect(must(await b.request('session/get', {}))).toMatchObject({ joinCode: s.joinCode, joinUrl: `${hubUrl.replace(/^ws/, 'http')}/j/${s.joinCode}` });
    expect(await b.request('token/issue', { role: 'host', name: 'X' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await b.request('publish', { name: 'poll.close', data: { pollId: 'p1' } })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await b.request('rehearsal/start', { audience: 5, profile: 'quiet' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const moderated = must(await b.request('publish', { name: 'question.moderate', data: { questionId: 'q2', status: 'answered' } }));
    await waitUntil(() => lastOutbox(seenB, moderated.id)?.state === 'acknowledged', 'moderator ack', 15_000);
    const [va, vb] = await waitUntil(async () => {
      const x = must(await a.request('view/get', {}));
      const y = must(await b.request('view/get', {}));
      return x && y && x.serial === y.serial && x.serial >= (lastOutbox(seenB, moderated.id)?.serial ?? Infinity) ? [x, y] : undefined;
    }, 'both mirrors at the same serial', 15_000);
    expect(vb?.doc).toEqual(va?.doc);
    expect(await b.request('session/joinRemote', { hubUrls: [hubUrl], token: audToken })).toMatchObject({ ok: false, error: { code: 'invalid', message: expect.stringContaining('audience') } });

    // One console per data folder.
    const c = new ConsoleCore({ userDataDir: dirA, shell: 'web', version: '1.2.3' });
    expect(await c.start()).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('another console') } });
    expect(await c.request('session/get', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });

    // Restart: same event, same join code, the cached view at once, then resumed by patch.
    await a.close();
    cores.splice(cores.indexOf(a), 1);
    expect(await a.request('session/get', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const a2 = new ConsoleCore({ userDataDir: dirA, shell: 'web', version: '1.2.3' });
    cores.push(a2);
    const seen2 = record(a2);
    const resumed = must(await a2.start());
    expect(resumed).toMatchObject({ mode: 'local', eventId: s.eventId, joinCode: s.joinCode, clientId: s.clientId });
    const cached = must(await a2.request('view/get', {}));
    expect(cached?.serial).toBeGreaterThan(0);
    await waitUntil(() => seen2.sync.length > 0, 'first sync after restart', 20_000);
    expect(seen2.sync[0]).toMatchObject({ base: cached?.serial }); // a patch from the cached serial, not a snapshot
    expect(seen2.sync[0]?.snapshot).toBeUndefined();

    // Leave: back to no session, link idle, settings forgotten.
    const left = must(await a2.request('session/leave', {}));
    expect(left).toMatchObject({ mode: 'none', eventId: null });
    expect(seen2.status.at(-1)?.state).toBe('closed');
    expect(must(await a2.request('view/get', {}))).toBeNull();
  });
});
