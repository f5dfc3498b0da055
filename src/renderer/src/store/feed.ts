/**
 * Feeds the store from ConsoleCore's events, outside React (STYLE.md: zustand fed from the
 * bridge subscription). Bursty streams are folded: the view reaches React at most every 50 ms,
 * outbox changes every 100 ms, the log every 500 ms, the dashboard once a second.
 */
import type { ConsoleApi, OutboxItem, SessionInfo } from '../../../shared/console-api';
import type { WireEntry } from '../../../shared/protocol/frames';
import { coalesce } from './coalesce';
import { ReachWatch } from './metrics/reach-watch';
import { MetricsSampler } from './metrics/sampler';
import { addNotice } from './notices';
import { mergeOutbox, summarise } from './outbox-merge';
import type { Teammate } from './slices/session-slice';
import type { HeldView } from './slices/view-slice';
import { useConsole, type ConsoleStore } from './store';
import { acceptFetched, applySync } from './view-sync';

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

export interface Feed {
  stop(): void;
  /** Asks the core for its copy of the staff view (after a gap, or on demand). */
  resync(): void;
}

export function startFeed(api: ConsoleApi, store: ConsoleStore = useConsole): Feed {
  const sampler = new MetricsSampler();
  const reach = new ReachWatch();
  let held: HeldView | null = null;
  let eventId: string | null = null;
  let fetching = false;
  let fetchAgain = false;
  let inboxOutbox: OutboxItem[] = [];
  let inboxLog: WireEntry[] = [];
  const hubNow = (): number => Date.now() + store.getState().link.clockOffsetMs;

  const flushView = coalesce(() => store.setState({ view: held }), 50);

  const setHeld = (v: HeldView | null): void => {
    held = v;
    sampler.observeView(v?.doc ?? null);
    if (v) sampler.observeSync(v.serial, hubNow());
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
      if (res.ok && forEvent === eventId) {
        const v = acceptFetched(held, res.value);
        if (v) setHeld(v);
      }
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
    setHeld(null);
    store.setState({ series: [], latestStats: null, reachAlert: null, log: [], team: {}, qaCursorId: null, qaCursorIndex: 0, qaSelected: new Set(), cueId: null });
    if (session.eventId) resync();
  };

  const offs = [
    api.on('status', (link) => store.setState({ link })),
    api.on('session', onSession),
    api.on('sync', (ev) => {
      const r = applySync(held, ev);
      if (r.kind === 'ok') setHeld(r.view);
      else resync();
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
      sampler.observeLog(entries, Date.now(), hubNow());
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
  void api.request('log/recent', { limit: 200 }).then((r) => {
    if (!r.ok) return;
    inboxLog = r.value.concat(inboxLog).slice(-LOG_KEEP);
    flushLog();
  });

  return {
    stop: () => {
      clearInterval(ticker);
      for (const off of offs) off();
    },
    resync,
  };
}
