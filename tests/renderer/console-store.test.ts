/**
 * The console store's feed (issue 5.7), driven by a scripted ConsoleApi: snapshots replace the
 * held view, patches apply only on their exact base, anything else asks `view/get`; outbox and
 * log events fold into bounded, ordered copies; a new event resets what belonged to the old one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsoleApi, EventName, Events, OutboxItem, RequestName, Responses, Result, SessionInfo } from '../../src/shared/console-api';
import { diff } from '../../src/shared/json-patch';
import type { StaffView } from '../../src/shared/domain/types';
import type { WireEntry } from '../../src/shared/protocol/frames';
import { startFeed, mergeLog, type Feed } from '../../src/renderer/src/store/feed';
import { mergeOutbox, summarise, OUTBOX_KEEP } from '../../src/renderer/src/store/outbox-merge';
import { initialConsoleState, useConsole } from '../../src/renderer/src/store/store';
import { waitUntil } from '../helpers/wait';

const view = (title: string, questions: StaffView['questions'] = {}): StaffView => ({
  event: { id: 'e1', title, status: 'live', settings: { moderation: 'pre', anonymousQuestions: true, chat: 'on', reactions: [], wordFilter: 'flag', filterWords: [], streamDelayMs: 0 } },
  polls: {},
  questions,
  quizzes: {},
  order: [],
  reactions: {},
  chat: [],
  audience: { online: 3, peak: 5 },
});

const session = (eventId: string | null): SessionInfo => ({
  mode: eventId ? 'remote' : 'none',
  eventId,
  title: 'T',
  joinCode: 'ABCDEF',
  joinUrl: null,
  role: 'host',
  clientId: 'c-host',
  name: 'Host',
  hubUrls: ['http://127.0.0.1:1'],
  canIssueTokens: false,
});

/** A ConsoleApi whose events the test emits and whose answers it scripts. */
class ScriptedApi implements ConsoleApi {
  readonly calls: RequestName[] = [];
  readonly payloads: Array<{ name: RequestName; payload: unknown }> = [];
  viewGet: Responses['view/get'] = null;
  logPage: WireEntry[] = [];
  tokens: Responses['team/list'] = [];
  private listeners = new Map<EventName, Set<(p: never) => void>>();
  request<N extends RequestName>(name: N, payload?: unknown): Promise<Result<Responses[N]>> {
    this.calls.push(name);
    this.payloads.push({ name, payload });
    const value: Partial<Record<RequestName, unknown>> = {
      'session/get': session('e1'),
      'view/get': this.viewGet,
      'outbox/list': [],
      'log/recent': [],
      'log/watch': { streaming: true },
      'log/read': this.logPage,
      'team/list': this.tokens,
      'app/info': { version: '0', shell: 'web', platform: 'linux' },
    };
    return Promise.resolve({ ok: true, value: value[name] } as Result<Responses[N]>);
  }
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }
  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: Events[E]) => void)(payload);
  }
}

let feed: Feed | null = null;
afterEach(() => {
  feed?.stop();
  feed = null;
  useConsole.setState(initialConsoleState(), true);
});

const item = (id: string, state: OutboxItem['state'], queuedAt: number, data: unknown = { questionId: 'q1' }): OutboxItem => ({
  id,
  eventId: 'e1',
  name: 'question.moderate',
  data,
  state,
  queuedAt,
  serial: null,
  reason: null,
  applied: null,
  dup: false,
});

describe('console store feed', () => {
  it('UI-7 applies a snapshot, then patches on their exact base; a gap asks view/get', async () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    await waitUntil(() => (useConsole.getState().sessionLoaded ? true : undefined), 'the store: sessionLoaded', 10_000, 5);
    const v1 = view('One');
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 4, snapshot: v1 });
    await waitUntil(() => (useConsole.getState().view?.serial === 4 ? true : undefined), 'the store: view?.serial === 4', 10_000, 5);

    const v2 = view('Two', { q1: { id: 'q1', text: 'hi', authorName: null, status: 'pending', pinned: false, upvotes: 0, askedAt: 1, assignee: null, flagged: false } });
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 6, base: 4, patch: diff(v1, v2) });
    const held = await waitUntil(() => (useConsole.getState().view?.serial === 6 ? useConsole.getState().view : undefined), 'the store: view?.serial === 6', 10_000, 5);
    expect(held?.doc).toEqual(v2);

    // A patch from serial 9 while we hold 6: never applied; the core's copy is fetched instead.
    const before = api.calls.filter((c) => c === 'view/get').length;
    api.viewGet = { epoch: 'ep', serial: 10, doc: view('Ten') };
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 10, base: 9, patch: [{ op: 'replace', path: '/event/title', value: 'Wrong' }] });
    await waitUntil(() => (useConsole.getState().view?.serial === 10 ? true : undefined), 'the store: view?.serial === 10', 10_000, 5);
    expect(useConsole.getState().view?.doc.event.title).toBe('Ten');
    expect(api.calls.filter((c) => c === 'view/get').length).toBe(before + 1);
  });

  it('UI-7 a patch for another epoch, or one that does not apply, also resyncs rather than guessing', async () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 2, snapshot: view('A') });
    await waitUntil(() => (useConsole.getState().view?.serial === 2 ? true : undefined), 'the store: view?.serial === 2', 10_000, 5);
    api.viewGet = { epoch: 'ep2', serial: 1, doc: view('Fresh') };
    api.emit('sync', { view: 'staff', epoch: 'ep2', serial: 3, base: 2, patch: [] });
    await waitUntil(() => (useConsole.getState().view?.epoch === 'ep2' ? true : undefined), 'the store: view?.epoch === ep2', 10_000, 5);
    expect(useConsole.getState().view?.doc.event.title).toBe('Fresh');
    api.viewGet = { epoch: 'ep2', serial: 5, doc: view('Later') };
    api.emit('sync', { view: 'staff', epoch: 'ep2', serial: 5, base: 1, patch: [{ op: 'remove', path: '/nope' }] });
    await waitUntil(() => (useConsole.getState().view?.serial === 5 ? true : undefined), 'the store: view?.serial === 5', 10_000, 5);
    expect(useConsole.getState().view?.doc.event.title).toBe('Later');
  });

  it('UI-7 a new event drops the old view, log and selection', async () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 2, snapshot: view('A') });
    await waitUntil(() => (useConsole.getState().view ? true : undefined), 'the store: view', 10_000, 5);
    useConsole.setState({ qaSelected: new Set(['q1']) });
    // Issue 14.11: a report built for the old event.
    const report = { event: { id: 'e1' } } as NonNullable<ReturnType<typeof useConsole.getState>['reportBundle']>['report'];
    useConsole.setState({ reportBundle: { report, files: [], htmlFilename: 'r.html' }, reportProgress: { done: 1, total: 1, phase: 'done' } });
    api.emit('session', session('e2'));
    await waitUntil(() => (useConsole.getState().view === null ? true : undefined), 'the store: view === null', 10_000, 5);
    expect(useConsole.getState().session.eventId).toBe('e2');
    expect(useConsole.getState().qaSelected.size).toBe(0);
    expect(useConsole.getState()).toMatchObject({ reportBundle: null, reportProgress: null });
  });

  it('UI-7 outbox events upsert by id, count what is unsettled, and badge it by target', async () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    api.emit('outbox', [item('a', 'queued', 1), item('b', 'queued', 2, { pollId: 'p1' })]);
    await waitUntil(() => (useConsole.getState().pendingCount === 2 ? true : undefined), 'the store: pendingCount === 2', 10_000, 5);
    expect(useConsole.getState().pendingByTarget.get('p1')?.map((i) => i.id)).toEqual(['b']);
    api.emit('outbox', [item('a', 'acknowledged', 1)]);
    await waitUntil(() => (useConsole.getState().pendingCount === 1 ? true : undefined), 'the store: pendingCount === 1', 10_000, 5);
    expect(useConsole.getState().outbox.map((i) => `${i.id}:${i.state}`)).toEqual(['a:acknowledged', 'b:queued']);
  });
});

describe('the console path does each thing once (issue 15.3)', () => {
  const entry = (serial: number, clientId: string, role: WireEntry['role'], author: string, name = 'chat.send'): WireEntry => ({ serial, clientId, id: `i${serial}`, name, data: {}, ts: serial, ...(role ? { role } : {}), author });

  it('a renderer greeted with the view before the session holds it and asks no view/get: the view crosses once', async () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    // What the core's initialEvents send a renderer that just connected: the view, then the session.
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 4, snapshot: view('One') });
    api.emit('session', session('e1'));
    await waitUntil(() => (useConsole.getState().view?.serial === 4 && api.calls.includes('session/get') ? true : undefined), 'the view and the session', 10_000, 5);
    await new Promise((r) => setTimeout(r, 0)); // let session/get's answer land too
    expect(api.calls.filter((c) => c === 'view/get')).toEqual([]);
    // Each change arrives once, as the patch the core applied: the shared mirror follows it.
    const v2 = view('Two');
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 5, base: 4, patch: diff(view('One'), v2) });
    await waitUntil(() => (useConsole.getState().view?.serial === 5 ? true : undefined), 'serial 5', 10_000, 5);
    expect(useConsole.getState().view?.doc).toEqual(v2);
    // A gap during a burst: the shared mirror asks once, not once per frame that misses.
    api.viewGet = { epoch: 'ep', serial: 12, doc: view('Twelve') };
    for (let s = 8; s <= 11; s++) api.emit('sync', { view: 'staff', epoch: 'ep', serial: s + 1, base: s, patch: [] });
    await waitUntil(() => (useConsole.getState().view?.serial === 12 ? true : undefined), 'the fetched copy', 10_000, 5);
    expect(api.calls.filter((c) => c === 'view/get')).toHaveLength(1);
  });

  it('the log stream is asked for by the first screen that shows it and dropped with the last', () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    const watches = (): unknown[] => api.payloads.filter((p) => p.name === 'log/watch').map((p) => (p.payload as { on: boolean }).on);
    expect(watches()).toEqual([]); // the feed alone streams nothing
    const a = feed.watchLog();
    const b = feed.watchLog();
    expect(watches()).toEqual([true]);
    a();
    a(); // a release is idempotent
    expect(watches()).toEqual([true]);
    b();
    expect(watches()).toEqual([true, false]);
    const ids = new Set(api.payloads.filter((p) => p.name === 'log/watch').map((p) => (p.payload as { watcher: string }).watcher));
    expect(ids.size).toBe(1);
  });

  it('teammates: the tokens this console issued and the staff in one log page, read on from where the last scan stopped', async () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 40, snapshot: view('One') });
    await waitUntil(() => (useConsole.getState().view?.serial === 40 ? true : undefined), 'the view', 10_000, 5);
    api.tokens = [
      { clientId: 'c-mia', role: 'moderator', name: 'Mia', token: null, issuedAt: 1, expiresAt: 2, revokedAt: null },
      { clientId: 'c-gone', role: 'producer', name: 'Gone', token: null, issuedAt: 1, expiresAt: 2, revokedAt: 5 },
    ];
    api.logPage = [entry(30, 'c-aud', 'audience', 'Guest'), entry(31, 'c-pat', 'producer', 'Pat'), entry(32, 'hub', undefined, 'hub', 'poll.close')];
    await feed.refreshTeam();
    expect(useConsole.getState().team).toEqual({ 'c-mia': { name: 'Mia', role: 'moderator' }, 'c-pat': { name: 'Pat', role: 'producer' } });
    const reads = (): unknown[] => api.payloads.filter((p) => p.name === 'log/read').map((p) => p.payload);
    expect(reads()).toEqual([{ from: 1, limit: 1000 }]);
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 50, base: 40, patch: [] });
    await waitUntil(() => (useConsole.getState().view?.serial === 50 ? true : undefined), 'serial 50', 10_000, 5);
    await feed.refreshTeam();
    expect(reads()).toEqual([{ from: 1, limit: 1000 }, { from: 33, limit: 1000 }]);
    // Nothing new since: no read at all.
    api.logPage = [];
    await feed.refreshTeam();
    expect(reads()).toHaveLength(3);
    await feed.refreshTeam();
    expect(reads()).toHaveLength(3);
  });

  it('a cue change between two views is kept with the serials its log entry lies between', async () => {
    const api = new ScriptedApi();
    feed = startFeed(api);
    const draft = { ...view('One'), polls: { p1: { id: 'p1', question: 'Q', kind: 'single', options: [], status: 'draft', resultsVisible: false, tallies: {}, ballots: 0, durationMs: null, closesAt: null } } } as StaffView;
    const open = { ...draft, polls: { p1: { ...draft.polls.p1, status: 'open' } } } as StaffView;
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 7, snapshot: draft });
    api.emit('sync', { view: 'staff', epoch: 'ep', serial: 9, base: 7, patch: diff(draft, open) });
    await waitUntil(() => (useConsole.getState().cueChange ? true : undefined), 'the cue change', 10_000, 5);
    expect(useConsole.getState().cueChange).toMatchObject({ name: 'poll.open', after: 7, serial: 9 });
  });
});

describe('bounded folds', () => {
  it('UI-7 the outbox copy is bounded but never drops an unsettled action', () => {
    const many = Array.from({ length: OUTBOX_KEEP + 50 }, (_, i) => item(`s${i}`, i < 10 ? 'queued' : 'acknowledged', i));
    const merged = mergeOutbox([], many);
    expect(merged).toHaveLength(OUTBOX_KEEP);
    expect(summarise(merged, 'e1').pendingCount).toBe(10);
  });

  it('UI-7 the log keeps serial order without duplicates when history overlaps live entries', () => {
    const e = (serial: number): WireEntry => ({ serial, clientId: 'c', id: `i${serial}`, name: 'vote.cast', data: {}, ts: serial });
    const live = [e(5), e(6)];
    const merged = mergeLog(live, [e(3), e(4), e(5)]);
    expect(merged.map((x) => x.serial)).toEqual([3, 4, 5, 6]);
    expect(mergeLog(merged, [e(7)]).map((x) => x.serial)).toEqual([3, 4, 5, 6, 7]);
  });
});
