/**
 * ConsoleCore: the operator console's whole behaviour behind one typed surface
 * (console-api.ts `ConsoleApi`), in plain Node. The Electron preload and the web host only
 * carry requests to it and events from it. It owns the Journal (the durable outbox and
 * settings, locked to this process), the current event's HubSession, the in-process hub in
 * local mode, and rehearsals. Every request resolves a Result; nothing throws across.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import {
  LOG_WATCH_TTL_MS,
  NO_SESSION,
  parseRequest,
  type ConsoleApi,
  type EventName,
  type Events,
  type LinkStatus,
  type OutboxItem,
  type RequestName,
  type RequestPayload,
  type Requests,
  type Responses,
  type Result,
  type SessionInfo,
} from '../../shared/console-api';
import { checkPub, type StaffRole } from '../../shared/protocol';
import { CoreError, fail, ok, toConsoleError } from './core-errors';
import { createEvent, issueStaffToken, revokeClient } from './hub-http';
import { HubSession, idleStatus, type Emit, type LinkTuning, type MirrorState } from './hub-session';
import { Journal, type OutboxEntry } from './journal';
import { Emitter } from '../../shared/client';
import { localAdminKey } from './local-admin-key';
import { startLocalHub, type LocalHub } from './local-hub';
import { toOutboxItem } from './outbox-items';
import { Rehearsal } from './rehearsal';
import { currentQuestionOf, ReachRecorder } from './report/reach-recorder';
import { buildReport } from './report/report-builder';
import { exportResults, isStaffView } from './results-csv';
import { PLAIN_SECRETS, type SecretCodec } from './secret-codec';
import { TeamRoster } from './team-roster';
import { readStoredSession, sessionInfoOf, sessionPatch, type StoredSession } from './session-settings';
import { throttle, type Throttled } from './throttle';
import { readStaffToken } from './token-claims';
import { loadCachedView, saveCachedView } from './view-cache';

export interface ConsoleCoreOptions {
  /** The app's data folder: journal/, hub-data/ and staff-view.json live here. */
  userDataDir: string;
  shell: 'electron' | 'web';
  version: string;
  /** The built audience app the local hub serves (default: the hub's, out/audience). */
  audienceDir?: string;
  /** The display name on host tokens this console issues to itself. */
  hostName?: string;
  link?: LinkTuning;
  /** How the token and admin key are kept at rest: Electron passes safeStorage (secret-codec.ts). */
  secrets?: SecretCodec;
}

/** One event as a bridge forwards it. */
export type CoreEvent = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

type Payload<N extends RequestName> = z.output<(typeof Requests)[N]>;
type Handlers = { [N in RequestName]: (p: Payload<N>) => Promise<Responses[N]> };

const OUTBOX_SHOWN = 200;

export class ConsoleCore implements ConsoleApi {
  private readonly events = new Emitter<Events>((err) => console.error('[console] event listener failed', err));
  private readonly emit: Emit = (event, payload) => this.events.emit(event, payload);
  private readonly rehearsal = new Rehearsal((s) => this.emit('rehearsal', s));
  private readonly emitOutbox: Throttled;
  private readonly outboxChanges = new Map<string, OutboxEntry>();
  private journal: Journal | null = null;
  private starting: Promise<Result<SessionInfo>> | null = null;
  private stored: StoredSession | null = null;
  private session: SessionInfo = { ...NO_SESSION };
  private hub: HubSession | null = null;
  private reach: ReachRecorder | null = null;
  /** The report being built, and the session it reads: a click on another event's console starts its own. */
  private reporting: { hub: HubSession; done: Promise<Responses['report/build']> } | null = null;
  private local: LocalHub | null = null;
  private sessionOps: Promise<unknown> = Promise.resolve();
  private cacheWrite: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private readonly handlers: Handlers;
  private readonly roster: TeamRoster;
  /** Log watches (console-api.ts `log/watch`): watcher → when its lease lapses (performance.now()). */
  private readonly logWatches = new Map<string, number>();

  constructor(private readonly opts: ConsoleCoreOptions) {
    this.roster = new TeamRoster(() => this.requireJournal(), opts.secrets ?? PLAIN_SECRETS);
    // Only what changed since the last event, captured when it changed: a bulk action of
    // hundreds must reach the UI in full, even the items that are no longer the newest.
    this.emitOutbox = throttle(() => {
      const changed = [...this.outboxChanges.values()];
      this.outboxChanges.clear();
      if (changed.length) this.emit('outbox', changed.map(toOutboxItem));
    }, 100);
    this.handlers = {
      'app/info': async () => ({ version: opts.version, shell: opts.shell, platform: process.platform }),
      'session/get': async () => this.sessionInfo(),
      'link/status': async () => this.status(),
      'session/startLocal': (p) => this.exclusive(() => this.startLocal(p.title, p.lan ?? true)),
      'session/createRemote': (p) => this.exclusive(() => this.createRemote(p.hubUrls, p.adminKey, p.title, p.name)),
      'session/joinRemote': (p) => this.exclusive(() => this.joinRemote(p.hubUrls, p.token)),
      'session/leave': () => this.exclusive(() => this.leave()),
      'session/setHubUrls': (p) => this.exclusive(() => this.setHubUrls(p.hubUrls)),
      'token/issue': (p) => this.issueToken(p.role, p.name),
      'team/list': async () => (this.stored ? this.roster.list(this.stored.eventId) : []),
      'team/revoke': (p) => this.revokeTeammate(p.clientId),
      publish: (p) => this.publish(p.name, p.data),
      'view/get': async () => this.hub?.view ?? null,
      'outbox/list': async (p) => this.outboxItems(p.limit ?? OUTBOX_SHOWN),
      'outbox/cancel': async (p) => ({ cancelled: await this.requireJournal().cancel(p.id) }),
      'log/recent': async (p) => this.hub?.recentLog(p.limit) ?? [],
      'log/watch': async (p) => this.watchLog(p.watcher, p.on),
      'log/read': async (p) => {
        if (!this.hub) throw new CoreError('not_connected', 'start or join an event first');
        return (await this.hub.readLog(p.from, p.limit).catch((err: unknown) => {
          throw new CoreError('not_connected', err instanceof Error ? err.message : String(err));
        })).entries;
      },
      'results/export': async (p) => {
        const doc = this.hub?.view?.doc;
        if (!isStaffView(doc)) throw new CoreError('not_found', 'no event data yet: connect to the event first');
        return exportResults(p.kind, doc);
      },
      'report/build': () => this.buildReport(),
      'rehearsal/start': async (p) => {
        const s = this.stored;
        if (s?.mode !== 'local' || !this.local || !s.joinCode)
          throw new CoreError('forbidden', 'rehearsals run against this console’s own hub: start a local event first');
        return this.rehearsal.start({ hubUrl: this.local.url, joinCode: s.joinCode }, p.audience, p.profile);
      },
      'rehearsal/stop': () => this.rehearsal.stop(),
    };
  }

  // ---- the ConsoleApi surface ---------------------------------------------------

  async request<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<Result<Responses[N]>> {
    const parsed = parseRequest(name, payload);
    if (!parsed.ok) return parsed;
    return this.handleParsed(parsed.name as N, parsed.payload);
  }

  /** A request the bridge's gate (bridge-dispatch.ts) already parsed with the contract's schema: not parsed again. */
  async handleParsed<N extends RequestName>(name: N, payload: unknown): Promise<Result<Responses[N]>> {
    if (this.closing) return fail('unavailable', 'the console is shutting down');
    const started = await this.start();
    if (!started.ok) return started;
    try {
      const handler = this.handlers[name] as (p: unknown) => Promise<Responses[N]>;
      return ok(await handler(payload));
    } catch (err) {
      return { ok: false, error: toConsoleError(err) };
    }
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  // ---- lifecycle ------------------------------------------------------------------

  /**
   * Opens the journal (one console per data folder: a second gets `unavailable`), restores
   * the last session and reconnects, resending whatever the outbox still holds. Idempotent.
   */
  start(): Promise<Result<SessionInfo>> {
    this.starting ??= this.startNow().catch((err: unknown) => ({ ok: false as const, error: toConsoleError(err) }));
    return this.starting;
  }

  /**
   * The state a bridge sends a renderer that just (re)connected. The view goes before the
   * session, so a renderer that learns the session already holds its view and does not ask
   * for it again (`view/get`): the view crosses once.
   */
  initialEvents(): CoreEvent[] {
    const out: CoreEvent[] = [{ event: 'status', payload: this.status() }];
    const v = this.hub?.view;
    if (v) out.push({ event: 'sync', payload: { view: 'staff', epoch: v.epoch, serial: v.serial, snapshot: v.doc } });
    out.push({ event: 'session', payload: this.sessionInfo() }, { event: 'rehearsal', payload: this.rehearsal.status });
    if (this.journal) out.push({ event: 'outbox', payload: this.outboxItems(OUTBOX_SHOWN) });
    return out;
  }

  /** Whether the hub's log stream is subscribed now (tests, benchmarks). */
  get logStreaming(): boolean {
    return this.hub?.logStreaming ?? false;
  }

  /** Holds, renews or drops one watcher's lease on the log stream; streams while any lease is live. */
  private watchLog(watcher: string, on: boolean): Responses['log/watch'] {
    if (on) this.logWatches.set(watcher, performance.now() + LOG_WATCH_TTL_MS);
    else this.logWatches.delete(watcher);
    this.hub?.setLogStream(this.logWanted());
    return { streaming: this.logWanted() };
  }

  /** Any live log watch (expired leases are dropped here). */
  private logWanted(): boolean {
    const now = performance.now();
    for (const [w, until] of this.logWatches) if (until <= now) this.logWatches.delete(w);
    return this.logWatches.size > 0;
  }

  status(): LinkStatus {
    return this.hub?.status ?? idleStatus(this.session.hubUrls);
  }

  /** Stops the rehearsal, closes the link and the local hub, flushes and unlocks the journal. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.sessionOps.catch(() => undefined);
      await this.rehearsal.stop().catch(() => undefined);
      this.hub?.close();
      this.hub = null;
      await this.reach?.close(); // the last reach seen, written before the process may exit
      this.reach = null;
      await this.cacheWrite;
      await this.local?.close().catch((err: unknown) => console.error('[console] local hub close failed', err));
      this.local = null;
      this.emitOutbox.cancel();
      await this.journal?.close();
    })();
    return this.closing;
  }

  private async startNow(): Promise<Result<SessionInfo>> {
    fs.mkdirSync(this.opts.userDataDir, { recursive: true });
    const journal = await Journal.open(path.join(this.opts.userDataDir, 'journal'));
    this.journal = journal;
    journal.onChange((c) => {
      if (c.kind === 'error') this.emit('notice', { level: 'error', message: `The outbox cannot write to disk: ${c.error.message}. Restart the console.` });
      const ids = 'id' in c ? [c.id] : c.kind === 'unsent' ? journal.unsettledIds() : [];
      for (const e of journal.entries(ids)) this.outboxChanges.set(e.id, e);
      if (ids.length) this.emitOutbox();
    });
    let stored: StoredSession | null = null;
    try {
      stored = readStoredSession(journal.settings(), this.secrets);
    } catch (err) {
      this.emit('notice', { level: 'error', message: `Could not resume the last event: ${toConsoleError(err).message}` });
    }
    if (stored) {
      try {
        await this.resume(stored);
      } catch (err) {
        const e = toConsoleError(err);
        this.emit('notice', { level: 'error', message: `Could not resume the last event: ${e.message}` });
      }
    } else {
      this.session = { ...NO_SESSION, hubUrls: journal.settings().hubUrls };
    }
    return ok(this.sessionInfo());
  }

  private async resume(s: StoredSession): Promise<void> {
    let next = s;
    let changed = false;
    if (s.mode === 'local') {
      const hub = await this.ensureLocalHub(s.lan, s.localPort ?? 0);
      let token = s.token;
      // Past its expiry the hub refuses the token; we hold the key, so issue a new one.
      if (!readStaffToken(s.token).ok) token = (await issueStaffToken([hub.url], hub.adminKey, s.eventId, s.role, s.name ?? this.hostName)).token;
      next = { ...s, hubUrls: [hub.url], localPort: hub.port, token };
      changed = next.localPort !== s.localPort || token !== s.token;
    }
    // Secrets an older console (or one without a key store) left in plain text are sealed now,
    // and the journal compacted so the plain copies leave the disk.
    const raw = this.requireJournal().settings();
    const plainLeft = [raw.token, raw['adminKey']].some((v) => typeof v === 'string' && this.secrets.needsSealing(v));
    if (changed || plainLeft) await this.requireJournal().saveSettings(sessionPatch(next, this.secrets));
    if (plainLeft) await this.requireJournal().compact();
    // The cached view is the resume cursor: the hub answers its serial with a patch, or a snapshot.
    this.activate(next, loadCachedView(this.opts.userDataDir, next.eventId));
  }

  // ---- sessions -------------------------------------------------------------------

  private get secrets(): SecretCodec {
    return this.opts.secrets ?? PLAIN_SECRETS;
  }

  private get hostName(): string {
    return this.opts.hostName ?? 'Host';
  }

  private async startLocal(title: string, lan: boolean): Promise<SessionInfo> {
    const remembered = this.stored?.mode === 'local' ? (this.stored.localPort ?? 0) : 0;
    if (this.local && this.local.lan !== lan) {
      this.endHubSession(); // its hub is about to restart with the other interface
      await this.closeLocalHub();
    }
    const hub = await this.ensureLocalHub(lan, this.local?.port ?? remembered);
    const ev = await createEvent([hub.url], hub.adminKey, title);
    const t = await issueStaffToken([hub.url], hub.adminKey, ev.eventId, 'host', this.hostName);
    return this.switchTo({
      mode: 'local',
      hubUrls: [hub.url],
      token: t.token,
      eventId: ev.eventId,
      role: 'host',
      clientId: t.clientId,
      name: this.hostName,
      title,
      joinCode: ev.joinCode,
      lan,
      localPort: hub.port,
      adminKey: null,
    });
  }

  private async createRemote(hubUrls: string[], adminKey: string, title: string, name: string): Promise<SessionInfo> {
    const ev = await createEvent(hubUrls, adminKey, title);
    const t = await issueStaffToken([ev.hubUrl, ...hubUrls], adminKey, ev.eventId, 'host', name);
    return this.switchTo({ mode: 'remote', hubUrls, token: t.token, eventId: ev.eventId, role: 'host', clientId: t.clientId, name, title, joinCode: ev.joinCode, lan: false, localPort: null, adminKey });
  }

  private async joinRemote(hubUrls: string[], token: string): Promise<SessionInfo> {
    const claims = readStaffToken(token);
    if (!claims.ok) throw new CoreError('invalid', claims.message);
    const c = claims.claims;
    return this.switchTo({ mode: 'remote', hubUrls, token, eventId: c.eventId, role: c.role, clientId: c.clientId, name: c.name, title: null, joinCode: null, lan: false, localPort: null, adminKey: null });
  }

  private async leave(): Promise<SessionInfo> {
    this.warnUndelivered();
    this.endHubSession();
    await this.closeLocalHub();
    await this.requireJournal().saveSettings(sessionPatch(null));
    this.stored = null;
    this.session = { ...NO_SESSION, hubUrls: this.requireJournal().settings().hubUrls };
    this.emit('status', this.status());
    this.emit('session', this.sessionInfo());
    return this.sessionInfo();
  }

  private async setHubUrls(hubUrls: string[]): Promise<SessionInfo> {
    if (this.stored?.mode === 'local') throw new CoreError('invalid', 'a local event uses this console’s own hub; its URL cannot be changed');
    await this.requireJournal().saveSettings({ hubUrls });
    if (this.stored) this.stored = { ...this.stored, hubUrls };
    this.session = { ...this.session, hubUrls: [...hubUrls] };
    this.hub?.setHubUrls(hubUrls);
    this.emit('session', this.sessionInfo());
    return this.sessionInfo();
  }

  private async switchTo(next: StoredSession): Promise<SessionInfo> {
    this.warnUndelivered();
    this.endHubSession();
    if (next.mode === 'remote') await this.closeLocalHub();
    await this.requireJournal().saveSettings(sessionPatch(next, this.secrets));
    this.activate(next, null);
    return this.sessionInfo();
  }

  /** Makes `s` the current session and connects it. */
  private activate(s: StoredSession, seed: MirrorState | null): void {
    this.stored = s;
    this.session = sessionInfoOf(s, this.local);
    const userDataDir = this.opts.userDataDir;
    const reach = (this.reach = new ReachRecorder(userDataDir, s.eventId));
    this.hub = new HubSession({
      hubUrls: s.hubUrls,
      token: s.token,
      eventId: s.eventId,
      journal: this.requireJournal(),
      emit: this.emit,
      client: { name: `stagecall-console-${this.opts.shell}`, version: this.opts.version },
      seed,
      persistMirror: (v) => {
        this.cacheWrite = this.cacheWrite.then(() => saveCachedView(userDataDir, { eventId: s.eventId, ...v }).catch(() => undefined));
        return this.cacheWrite;
      },
      onJoinCode: (code) => void this.learnJoinCode(s.eventId, code),
      onStats: (f) => reach.observe(f, (quizId, serial) => currentQuestionOf(this.hub?.view, quizId, serial)),
      logWanted: () => this.logWanted(),
      ...(this.opts.link ? { link: this.opts.link } : {}),
    });
    this.emit('session', this.sessionInfo());
    this.hub.start();
    this.hub.setLogStream(this.logWanted());
  }

  /** A console joined by token learns the code from the hub and keeps it for offline restarts. */
  private async learnJoinCode(eventId: string, joinCode: string): Promise<void> {
    const s = this.stored;
    if (!s || s.eventId !== eventId || s.joinCode === joinCode) return;
    this.stored = { ...s, joinCode };
    this.session = sessionInfoOf(this.stored, this.local);
    this.emit('session', this.sessionInfo());
    await this.requireJournal().saveSettings({ joinCode });
  }

  private endHubSession(): void {
    void this.rehearsal.stop();
    this.hub?.close();
    this.hub = null;
    void this.reach?.close();
    this.reach = null;
  }

  /** One report at a time: a second click while it reads joins the first. */
  private buildReport(): Promise<Responses['report/build']> {
    const hub = this.hub;
    const s = this.stored;
    if (!hub || !s) return Promise.reject(new CoreError('not_connected', 'start or join an event first'));
    if (hub.status.state !== 'connected') return Promise.reject(new CoreError('not_connected', 'the report reads the event’s whole log from the hub: wait until the console is connected'));
    const doc = hub.view?.doc;
    if (!isStaffView(doc)) return Promise.reject(new CoreError('not_found', 'no event data yet: wait for the event’s state from the hub'));
    if (this.reporting?.hub === hub) return this.reporting.done;
    const done = buildReport({
      session: hub,
      eventId: s.eventId,
      title: doc.event.title,
      joinCode: s.joinCode,
      reach: this.reach?.reach ?? { cues: new Map(), questions: new Map() },
      onProgress: (p) => this.emit('report', p),
    })
      .catch((err: unknown) => {
        this.emit('report', { done: 0, total: 0, phase: 'failed' });
        throw new CoreError('unavailable', `the report could not read the event’s log: ${err instanceof Error ? err.message : String(err)}`);
      })
      .finally(() => {
        if (this.reporting?.done === done) this.reporting = null;
      });
    this.reporting = { hub, done };
    return done;
  }

  private warnUndelivered(): void {
    const eventId = this.stored?.eventId;
    if (!eventId || !this.journal) return;
    const n = this.journal.pending({ eventId }).length;
    if (n > 0)
      this.emit('notice', { level: 'warning', message: `${n} action(s) for “${this.stored?.title ?? eventId}” are not delivered yet; they stay in the outbox and are sent when you rejoin that event.` });
  }

  private async ensureLocalHub(lan: boolean, port: number): Promise<LocalHub> {
    if (this.local && this.local.lan === lan) return this.local;
    await this.closeLocalHub();
    const dataDir = path.join(this.opts.userDataDir, 'hub-data');
    const adminKey = await localAdminKey(dataDir, this.requireJournal(), this.secrets, (message) => this.emit('notice', { level: 'warning', message }));
    this.local = await startLocalHub({
      dataDir,
      lan,
      port,
      ...(this.opts.audienceDir ? { staticDir: this.opts.audienceDir } : {}),
      ...(adminKey ? { adminKey } : {}),
    });
    return this.local;
  }

  private async closeLocalHub(): Promise<void> {
    const hub = this.local;
    this.local = null;
    await hub?.close();
  }

  /** Session changes run one at a time, in order. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.sessionOps.then(fn, fn);
    this.sessionOps = run.catch(() => undefined);
    return run;
  }

  // ---- actions ----------------------------------------------------------------------

  private async publish(name: string, data: unknown): Promise<OutboxItem> {
    const s = this.stored;
    if (!s) throw new CoreError('not_connected', 'start or join an event first');
    // Refused here, never queued: an action the hub would nack must not sit in the outbox.
    const check = checkPub(s.role, name, data);
    if (!check.ok) throw new CoreError(check.code, check.message);
    const item = await this.requireJournal().enqueue(s.eventId, check.name, check.data);
    return { id: item.id, eventId: item.eventId, name: item.name, data: item.data, state: 'queued', queuedAt: item.queuedAt, serial: null, reason: null, applied: null, dup: false };
  }

  private async issueToken(role: StaffRole, name: string): Promise<Responses['token/issue']> {
    const { s, adminKey } = this.adminSession();
    const t = await issueStaffToken(s.hubUrls, adminKey, s.eventId, role, name);
    const issued = { token: t.token, clientId: t.clientId, role, name, expiresAt: t.expiresAt };
    await this.roster.record(s.eventId, issued);
    return issued;
  }

  /** P32 through the hub's admin API; the roster then shows the token as revoked. */
  private async revokeTeammate(clientId: string): Promise<Responses['team/revoke']> {
    const { s, adminKey } = this.adminSession();
    const r = await revokeClient(s.hubUrls, adminKey, s.eventId, clientId);
    await this.roster.markRevoked(s.eventId, clientId);
    return { clientId, revokedUntil: r.revokedUntil };
  }

  private adminSession(): { s: StoredSession; adminKey: string } {
    const s = this.stored;
    if (!s) throw new CoreError('not_connected', 'start or join an event first');
    const adminKey = s.mode === 'local' ? this.local?.adminKey : s.adminKey;
    if (!adminKey) throw new CoreError('forbidden', 'this console does not hold the hub’s admin key: ask the host who created the event for a token');
    return { s, adminKey };
  }

  // ---- helpers ------------------------------------------------------------------------

  private sessionInfo(): SessionInfo {
    return { ...this.session, hubUrls: [...this.session.hubUrls] };
  }

  private outboxItems(limit: number): OutboxItem[] {
    return this.requireJournal().shown(limit).map(toOutboxItem);
  }

  private requireJournal(): Journal {
    if (!this.journal) throw new CoreError('unavailable', 'the console has not started');
    return this.journal;
  }
}
