/**
 * Feeds the store from ConsoleCore's events, outside React (STYLE.md: zustand fed from the
 * bridge subscription). Bursty streams are folded: the view reaches React at most every 50 ms,
 * outbox changes every 100 ms, the log every 500 ms, the dashboard once a second. The view is
 * the shared client's ViewMirror (view-sync.ts) advanced by each `sync` event once. The log
 * arrives only while a screen holds a watch (`watchLog`): votes/s and sync lag come from the
 * view, teammates from a page of the log when the Q&A screen opens (`refreshTeam`).
 */
import type { ConsoleApi, OutboxItem, SessionInfo } from '../../../shared/console-api';
// From the zod-free module, not console-api's re-export: a value import of console-api bundles zod.
import { LOG_WATCH_RENEW_MS } from '../../../shared/log-watch';
import type { WireEntry } from '../../../shared/protocol/frames';
import { coalesce } from './coalesce';
import { tailPage } from './log-page';
import { ReachWatch } from './metrics/reach-watch';
import { MetricsSampler } from './metrics/sampler';
import { addNotice } from './notices';
import { mergeOutbox, summarise } from './outbox-merge';
import type { Teammate } from './slices/session-slice';
import type { HeldView } from './slices/view-slice';
import { useConsole, type ConsoleStore } from './store';
import { cueChangeBetween } from './stream-delay-mark';
import { heldOf, seedFetched, staffMirror, syncFrameOf } from './view-sync';

export const LOG_KEEP = 500;

/** Appends, keeping serial order without duplicates (a `log/recent` answer may overlap live entries). */
export function mergeLog(current: readonly WireEntry[], incoming: readonly WireEntry[]): WireEntry[] {
  if (incoming.length === 0) return current as WireEntry[];
  const last = current.length ? (current[current.length - 1] as WireEntry).serial : 0;
  if (incoming.every((e, i) => e.serial > (i === 0 ? last : (incoming[i - 1] as WireEntry).serial))) return current.concat(incoming).slice(-LOG_KEEP);
  const bySerial = new Map<number, WireEntry>();
  for (const e of current) bySerial.set(e.serial, e);
  for (const e of incoming) bySerial.set(e.serial, e);
  return [...bySerial.values()].sort((a, b) => a.serial - b.serial).slice(-LOG_KEEP);
}

/** Adds the staff who published these entries (never the audience, never the hub itself). */
export function withTeammates(team: Record<string, Teammate>, entries: readonly WireEntry[]): Record<string, Teammate> {
  let next = team;
  for (const e of entries) {
    if (!e.role || e.role === 'audience' || e.clientId === 'hub' || Object.hasOwn(next, e.clientId)) continue;
    if (next === team) next = { ...team };
    next[e.clientId] = { name: e.author ?? e.clientId, role: e.role };
  }
  return next;
}

/** Entries the Q&A screen's teammate scan reads at most (one `log/read` page). */
export const TEAM_SCAN = 1_000;

export interface Feed {
  stop(): void;
  /** Asks the core for its copy of the staff view (after a gap, or on demand). */
  resync(): void;
  /**
   * A screen that shows the log holds a watch while it is shown; the returned function releases
   * it. Counted here per screen: the core is asked to stream when the first opens and to stop
   * when the last closes (and the lease is renewed in between).
   */
  watchLog(): () => void;
  /** Teammates for assigning: the tokens this console issued, and staff who published since the last scan (one log page). */
  refreshTeam(): Promise<void>;
}

let current: Feed | null = null;
/** The running feed (main.tsx starts it), for screens that hold a log watch or refresh the team. */
export const currentFeed = (): Feed | null => current;

export function startFeed(api: ConsoleApi, store: ConsoleStore = useConsole): Feed {
  const sampler = new MetricsSampler();
  const reach = new ReachWatch();
  const mirror = staffMirror();
  let held: HeldView | null = null;
  let eventId: string | null = null;
  /** The serial the teammate scan has read up to. */
  let teamScanned = 0;
  let logWatchers = 0;
  let renewTimer: ReturnType<typeof setInterval> | null = null;
  const watcherId = `r-${Math.random().toString(36).slice(2, 12)}`;
  let fetching = false;
  let fetchAgain = false;
  let inboxOutbox: OutboxItem[] = [];
  let inboxLog: WireEntry[] = [];
  const hubNow = (): number => Date.now() + store.getState().link.clockOffsetMs;

  const flushView = coalesce(() => store.setState({ view: held }), 50);

  /** The mirror moved (`live`: by a sync event, not a fetched copy): hand its state to the store. */
  const setHeld = (v: HeldView | null, live: boolean): void => {
    const prev = held;
    held = v;
    const now = hubNow();
    sampler.observeView(v?.doc ?? null, now, live);
    if (live && prev && v && prev.doc.event.id === v.doc.event.id) {
      const name = cueChangeBetween(prev.doc, v.doc);
      if (name) store.setState({ cueChange: { name, after: prev.serial, serial: v.serial, seenAt: now } });
    }
    flushView();
  };

  const resync = (): void => {
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    store.setState((s) => ({ resyncs: s.resyncs + 1 }));
    const forEvent = eventId;
    void api.request('view/get', {}).then((res) => {
      fetching = false;
      if (res.ok && forEvent === eventId && seedFetched(mirror, res.value)) setHeld(heldOf(mirror), false);
      if (fetchAgain) {
        fetchAgain = false;
        resync();
      }
    });
  };

  const flushOutbox = coalesce(() => {
    // (A refusal is announced by the core's own `notice`; the outbox table shows its reason.)
    const incoming = inboxOutbox;
    inboxOutbox = [];
    const outbox = mergeOutbox(store.getState().outbox, incoming);
    store.setState({ outbox, ...summarise(outbox, eventId) });
  }, 100);

  const flushLog = coalesce(() => {
    const incoming = inboxLog;
    inboxLog = [];
    store.setState((s) => ({ log: mergeLog(s.log, incoming), team: withTeammates(s.team, incoming) }));
  }, 500);

  const onSession = (session: SessionInfo): void => {
    const first = !store.getState().sessionLoaded;
    const changed = first || session.eventId !== eventId;
    eventId = session.eventId;
    store.setState({ session, sessionLoaded: true });
    // Land on Run of show when there is an event, on Setup when there is none.
    if (first || (changed && (session.mode === 'none' || store.getState().screen === 'setup'))) store.setState({ screen: session.mode === 'none' ? 'setup' : 'run' });
    if (!changed) return;
    // The last report belongs to its event: another event's must not be offered for download.
    if (store.getState().reportBundle?.report.event.id !== session.eventId) store.setState({ reportBundle: null, reportProgress: null });
    // A view that already belongs to this event (it may arrive before the session) is kept.
    if (held && held.doc.event.id === session.eventId) return;
    store.setState((s) => summarise(s.outbox, eventId));
    sampler.reset();
    reach.reset();
    mirror.clear();
    teamScanned = 0;
    setHeld(null, false);
    store.setState({ series: [], latestStats: null, reachAlert: null, log: [], team: {}, cueChange: null, qaCursorId: null, qaCursorIndex: 0, qaSelected: new Set(), cueId: null });
    if (session.eventId) resync();
  };

  const offs = [
    api.on('status', (link) => store.setState({ link })),
    api.on('session', onSession),
    api.on('sync', (ev) => {
      const r = mirror.apply(syncFrameOf(ev));
      if (r.ok) setHeld(heldOf(mirror), true);
      // One view/get for a gap, however many frames miss while it is answered (the mirror says 'resyncing').
      else if (r.code !== 'resyncing' || !fetching) resync();
    }),
    api.on('rtt', (s) => sampler.observeRtt(s)),
    api.on('stats', (frame) => {
      sampler.observeStats(frame, Date.now());
      const reachAlert = reach.observe(frame.delivery?.audience, Date.now(), held?.doc.event.settings.streamDelayMs ?? 0);
      store.setState({ latestStats: frame, reachAlert });
    }),
    api.on('outbox', (items) => {
      inboxOutbox = inboxOutbox.concat(items);
      flushOutbox();
    }),
    api.on('log', (entries) => {
      inboxLog = inboxLog.concat(entries).slice(-LOG_KEEP);
      flushLog();
    }),
    api.on('rehearsal', (rehearsal) => store.setState({ rehearsal })),
    api.on('report', (reportProgress) => store.setState({ reportProgress })),
    api.on('notice', (n) => addNotice(n.level, n.message, store)),
  ];

  const ticker = setInterval(() => {
    sampler.tick(Date.now());
    store.setState({ series: sampler.rows.toArray() });
  }, 1_000);

  void api.request('app/info', {}).then((r) => r.ok && store.setState({ app: r.value }));
  void api.request('session/get', {}).then((r) => {
    if (!r.ok) addNotice('error', `Could not reach the console core: ${r.error.message}`, store);
    else if (!store.getState().sessionLoaded) onSession(r.value);
  });
  void api.request('outbox/list', { limit: 1000 }).then((r) => {
    if (!r.ok) return;
    inboxOutbox = r.value.concat(inboxOutbox);
    flushOutbox();
  });
  const askLog = (on: boolean): void => void api.request('log/watch', { watcher: watcherId, on });

  const watchLog = (): (() => void) => {
    logWatchers++;
    if (logWatchers === 1) {
      askLog(true);
      renewTimer = setInterval(() => askLog(true), LOG_WATCH_RENEW_MS);
      // A stream another window already holds sends only what is new: the recent past comes from the core.
      void api.request('log/recent', { limit: LOG_KEEP }).then((r) => {
        if (!r.ok) return;
        inboxLog = r.value.concat(inboxLog).slice(-LOG_KEEP);
        flushLog();
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      logWatchers--;
      if (logWatchers > 0) return;
      if (renewTimer) clearInterval(renewTimer);
      renewTimer = null;
      askLog(false);
    };
  };

  const refreshTeam = async (): Promise<void> => {
    const forEvent = eventId;
    const upTo = held?.serial ?? 0;
    const [tokens, page] = await Promise.all([
      api.request('team/list', {}),
      // The page starts where the newest TEAM_SCAN up to the held view do, and reads on past it (newer staff too).
      upTo > teamScanned ? api.request('log/read', { from: tailPage(teamScanned, upTo, TEAM_SCAN).from, limit: TEAM_SCAN }) : Promise.resolve(null),
    ]);
    if (forEvent !== eventId) return;
    if (page?.ok) teamScanned = Math.max(teamScanned, page.value.at(-1)?.serial ?? upTo);
    store.setState((s) => {
      let team = page?.ok ? withTeammates(s.team, page.value) : s.team;
      if (tokens.ok) for (const t of tokens.value) if (!t.revokedAt && !Object.hasOwn(team, t.clientId)) team = { ...team, [t.clientId]: { name: t.name, role: t.role } };
      return team === s.team ? {} : { team };
    });
  };

  const feed: Feed = {
    stop: () => {
      clearInterval(ticker);
      if (renewTimer) clearInterval(renewTimer);
      for (const off of offs) off();
      if (current === feed) current = null;
    },
    resync,
    watchLog,
    refreshTeam,
  };
  current = feed;
  return feed;
}
