/**
 * The embedded engine (DESIGN.md "Engine interface"): zero setup, one directory per event
 * under `<dataDir>/events/<eventId>/`:
 *   meta.json  the EventMeta, replaced atomically (temp + fsync + rename + dir fsync)
 *   epoch      P15's epoch, chosen when the log is created, and again if the log was lost
 *   log.jsonl  the log, one checksummed JSON line per entry (line-codec.ts), group-committed
 *   log-index.snap, state.snap  snapshots of the log's indexes and of the hub's state up to a
 *              serial (issue 18), so reopening folds only the tail; ignored when they do not match
 * Every event's log is recovered (checked) by open(), then closed: logs are opened on demand and
 * closed again once idle (log-slots.ts), so open files follow the events in use. A log damaged
 * where acknowledged entries live (found at open or at a later reopen), or an unreadable
 * meta.json, quarantines that event alone: it is refused (code
 * corrupt_log, with the damaged line) and listed by troubles(), while every other event serves.
 * `<dataDir>/LOCK` keeps a second process off the same files; `<dataDir>/revocations.json`
 * holds P32's revocations (revocation-file.ts).
 * Presence is in memory: one process is the only node that can share this directory.
 */
import { parseEventMeta } from '../event-meta';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LogEntry } from '../../../shared/domain/types';
import { DEFAULT_IDLE_UNLOAD_MS, type SnapshotPolicy, type AppendInput, type AppendOutcome, type Engine, type EventLogInfo, type EventMeta, type EventTrouble, type PresenceSample } from '../engine';
import { EngineError, isEngineError } from '../engine-error';
import { loadOrCreateSecretFile } from '../secret-file';
import { RevocationListeners, type Revocation, type RevocationListener } from '../revocations';
import { RevocationFile } from './revocation-file';
import { DamagedLogError } from './log-recovery';
import { takeDataDirLock } from './data-dir-lock';
import { EventLog, type EventLogOptions, type LogCounters, type StoredState } from './event-log';
import { fsyncDir, writeFileAtomic } from './fs-durable';
import { LogSlots } from './log-slots';
import { PresenceStore } from './presence-store';

export interface EmbeddedEngineOptions {
  dataDir: string;
  node: string;
  /** Newest entries per event kept in memory for read/tail catch-up (default 10,000). */
  recentEntries?: number;
  /** A log unused this long (ms) is closed until next needed (default 5 minutes). */
  idleUnloadMs?: number;
  /** Clock for presence expiry; tests inject one. */
  now?: () => number;
  /** When each log writes its index snapshot (issue 18; default DEFAULT_SNAPSHOTS). */
  snapshots?: SnapshotPolicy;
  /** Snapshot troubles (ignored or not written), with the event id; default console.warn. */
  notice?: (eventId: string, message: string) => void;
}

export interface EmbeddedStats extends LogCounters {
  events: number;
  /** Event logs open right now (the rest are closed until needed). */
  loadedLogs: number;
  /** Time open() took, recovery of every log included. */
  openMs: number;
  /** Entries found in the logs at open. */
  recoveredEntries: number;
}

const META_FILE = 'meta.json';
// The id names a directory: portable characters only, and no Windows device names.
const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;

const parseMeta = (text: string, file: string): EventMeta => parseEventMeta(text, file);

export class EmbeddedEngine implements Engine {
  readonly kind = 'embedded' as const;
  readonly node: string;
  private readonly dataDir: string;
  private readonly eventsDir: string;
  private readonly recentEntries: number;
  private readonly presenceStore: PresenceStore;
  private state: 'new' | 'opening' | 'open' | 'closed' = 'new';
  private readonly events = new Map<string, EventMeta>();
  private readonly logs: LogSlots;
  private readonly byCode = new Map<string, string>();
  /** Events whose stored files are damaged: refused until repaired (keyed by directory name). */
  private readonly quarantined = new Map<string, { meta: EventMeta | null; reason: string; since: number }>();
  /** Lower-cased ids taken or being created: Windows and macOS file names ignore case. */
  private readonly takenIds = new Set<string>();
  private readonly creatingCodes = new Set<string>();
  private readonly counters: LogCounters = {
    fsyncs: 0, batches: 0, appended: 0, duplicates: 0, largestBatch: 0, droppedLines: 0, droppedBytes: 0, tailErrors: 0, indexSnapshots: 0, snapshotOpens: 0,
  };
  private unlock: (() => void) | null = null;
  private revocations: RevocationFile | null = null;
  private readonly revocationListeners = new RevocationListeners();
  private readonly now: () => number;
  private openMs = 0;
  private recoveredEntries = 0;
  private readonly snapshots: SnapshotPolicy | undefined;
  private readonly notice: (eventId: string, message: string) => void;

  constructor(opts: EmbeddedEngineOptions) {
    this.dataDir = opts.dataDir;
    this.node = opts.node;
    this.eventsDir = path.join(opts.dataDir, 'events');
    this.recentEntries = opts.recentEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.presenceStore = new PresenceStore(this.now);
    this.snapshots = opts.snapshots;
    this.notice = opts.notice ?? ((eventId, m) => console.warn(`event ${eventId}: ${m}`));
    this.logs = new LogSlots({ idleMs: opts.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS, open: (eventId) => this.reopenLog(eventId) });
  }

  async tokenSecret(): Promise<string> {
    return loadOrCreateSecretFile(path.join(this.dataDir, 'token-secret'));
  }

  async open(): Promise<void> {
    if (this.state !== 'new') throw new EngineError('closed', 'open() may be called once');
    this.state = 'opening';
    const t0 = performance.now();
    try {
      await fs.mkdir(this.eventsDir, { recursive: true });
      this.unlock = takeDataDirLock(this.dataDir);
      this.revocations = await RevocationFile.load(path.join(this.dataDir, 'revocations.json'), this.now());
      const dirs = (await fs.readdir(this.eventsDir, { withFileTypes: true })).filter((d) => d.isDirectory());
      for (const d of dirs) {
        const dir = path.join(this.eventsDir, d.name);
        const metaFile = path.join(dir, META_FILE);
        const text = await fs.readFile(metaFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') return null; // creation never finished: the event never existed
          throw err;
        });
        if (text === null) continue;
        let meta: EventMeta | null = null;
        try {
          meta = parseMeta(text, metaFile);
          // Checked (and a torn tail cut); opened again when first needed.
          this.recoveredEntries += await EventLog.check(meta.eventId, dir, this.counters, this.logOptions(meta.eventId));
          this.register(meta, null);
        } catch (err) {
          if (!isEngineError(err, 'corrupt_log')) throw err;
          this.quarantine(d.name, meta, err instanceof DamagedLogError ? err.summary : 'its meta.json is not event metadata');
        }
      }
    } catch (err) {
      await this.closeLogs();
      this.state = 'closed';
      throw err;
    }
    this.openMs = performance.now() - t0;
    this.state = 'open';
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.closeLogs();
  }

  stats(): EmbeddedStats {
    return { ...this.counters, events: this.events.size, loadedLogs: this.logs.loaded, openMs: this.openMs, recoveredEntries: this.recoveredEntries };
  }

  async createEvent(meta: EventMeta): Promise<void> {
    this.assertOpen();
    const { eventId, joinCode } = meta;
    if (!EVENT_ID.test(eventId) || WINDOWS_DEVICE.test(eventId)) {
      throw new EngineError('invalid_event_id', `event id ${JSON.stringify(eventId)} must be 1-64 of A-Z a-z 0-9 _ -`);
    }
    const idKey = eventId.toLowerCase();
    if (this.takenIds.has(idKey)) throw new EngineError('event_exists', `event ${eventId} exists`);
    if (this.byCode.has(joinCode) || this.creatingCodes.has(joinCode)) throw new EngineError('code_taken', `join code ${joinCode} is in use`);
    this.takenIds.add(idKey);
    this.creatingCodes.add(joinCode);
    const clean: EventMeta = { eventId, title: meta.title, joinCode, createdAt: meta.createdAt };
    const dir = path.join(this.eventsDir, eventId);
    let log: EventLog | undefined;
    try {
      await fs.mkdir(dir, { recursive: true });
      await fsyncDir(this.eventsDir);
      log = await EventLog.open(eventId, dir, this.recentEntries, this.counters, this.logOptions(eventId));
      // meta.json last: its presence is what makes the event exist after a restart.
      await writeFileAtomic(path.join(dir, META_FILE), `${JSON.stringify(clean)}\n`);
      if (this.state !== 'open') throw new EngineError('closed', 'engine closed while creating an event');
      this.register(clean, log);
    } catch (err) {
      await log?.close();
      this.takenIds.delete(idKey);
      throw err;
    } finally {
      this.creatingCodes.delete(joinCode);
    }
  }

  /** Quarantined events are still found (tokens name them), so hello can say why they are refused. */
  async getEvent(eventId: string): Promise<EventMeta | null> {
    this.assertOpen();
    const meta = this.events.get(eventId) ?? this.quarantined.get(eventId)?.meta;
    return meta ? { ...meta } : null;
  }

  async findEventByCode(joinCode: string): Promise<EventMeta | null> {
    this.assertOpen();
    const id = this.byCode.get(joinCode);
    return id === undefined ? null : this.getEvent(id);
  }

  async listEvents(): Promise<EventMeta[]> {
    this.assertOpen();
    const quarantined = [...this.quarantined.values()].flatMap((q) => (q.meta ? [q.meta] : []));
    return [...this.events.values(), ...quarantined]
      .map((m) => ({ ...m }))
      .sort((a, b) => a.createdAt - b.createdAt || a.eventId.localeCompare(b.eventId));
  }

  async info(eventId: string): Promise<EventLogInfo> {
    return (await this.log(eventId)).info();
  }

  append(eventId: string, entries: AppendInput[]): Promise<AppendOutcome[]> {
    try {
      const log = this.log(eventId);
      // An open log takes the call now, so appends keep their call order (P15).
      return log instanceof EventLog ? log.append(entries) : log.then((l) => l.append(entries));
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Entries from the recent cache are shared with tails and other readers: treat them as read-only. */
  async read(eventId: string, fromSerial: number, limit: number): Promise<LogEntry[]> {
    return (await this.log(eventId)).read(fromSerial, limit);
  }

  /**
   * Throws (code unknown_event) for an event that does not exist. A log is never reset while
   * open, so `onEnd` is called only if catching up from the file fails (corrupt_log/io_failed).
   */
  tail(eventId: string, fromSerial: number, onEntries: (entries: LogEntry[]) => void, onEnd?: (err: EngineError) => void): () => void {
    const log = this.log(eventId);
    if (log instanceof EventLog) return log.tail(fromSerial, onEntries, onEnd);
    // A closed log: the tail starts once it is open again (or ends, saying why it could not).
    let stop: (() => void) | null = null;
    let stopped = false;
    log.then(
      (l) => {
        if (!stopped) stop = l.tail(fromSerial, onEntries, onEnd);
      },
      (err: unknown) => {
        if (!stopped) onEnd?.(isEngineError(err) ? err : new EngineError('io_failed', `cannot open the log: ${String(err)}`, { cause: err }));
      },
    );
    return () => {
      stopped = true;
      stop?.();
    };
  }

  /** Issue 18: stores the hub's state after `serial` beside the log (state.snap). */
  async saveState(eventId: string, serial: number, schema: number, payload: Uint8Array): Promise<void> {
    await (await this.log(eventId)).saveState(serial, schema, payload);
  }

  /** The stored state if it matches this log (epoch, serial, line, checksum, schema), else null. */
  async loadState(eventId: string, schema: number): Promise<StoredState | null> {
    return (await this.log(eventId)).loadState(schema);
  }

  /** Writes the event's index snapshot now (the log also does by itself, per its policy). */
  async snapshotIndex(eventId: string): Promise<number> {
    const log = await this.log(eventId);
    await log.snapshotNow();
    return log.indexSnapshotSerial;
  }

  private logOptions(eventId: string): EventLogOptions {
    return { notice: (m) => this.notice(eventId, m), ...(this.snapshots ? { snapshots: this.snapshots } : {}) };
  }

  /** Closes every event log unused for the idle period (the engine also does this by itself). */
  unloadIdle(): Promise<number> {
    return this.logs.unloadIdle();
  }

  troubles(): EventTrouble[] {
    const out: EventTrouble[] = [];
    for (const [eventId, log] of this.logs.openLogs()) {
      const o = log.outage;
      if (o) out.push({ eventId, state: 'unavailable', reason: o.reason, since: o.since });
    }
    for (const [eventId, q] of this.quarantined) out.push({ eventId, state: 'quarantined', reason: q.reason, since: q.since });
    return out;
  }

  async reportPresence(eventId: string, sample: PresenceSample): Promise<void> {
    this.presenceStore.report(eventId, sample);
  }

  async presence(eventId: string): Promise<PresenceSample[]> {
    return this.presenceStore.live(eventId);
  }

  async revoke(r: Revocation): Promise<void> {
    this.assertOpen();
    await (this.revocations as RevocationFile).add(r, this.now());
    // One process per data folder: its own listeners are every node there is.
    this.revocationListeners.emit(r, (err) => console.error('revocation listener failed', err));
  }

  async isRevoked(eventId: string, clientId: string): Promise<boolean> {
    this.assertOpen();
    return (this.revocations as RevocationFile).has(eventId, clientId, this.now());
  }

  onRevoked(listener: RevocationListener): () => void {
    return this.revocationListeners.add(listener);
  }

  /** The open log, or a promise of it once reopened; throws for an unknown or quarantined event. */
  private log(eventId: string): EventLog | Promise<EventLog> {
    this.assertOpen();
    const log = this.logs.get(eventId);
    if (!log) {
      const q = this.quarantined.get(eventId);
      if (q) throw new EngineError('corrupt_log', `event ${eventId} is quarantined: ${q.reason}`);
      throw new EngineError('unknown_event', `no event ${eventId}`);
    }
    return log;
  }

  /** Reopens a closed log; damage found now quarantines the event as it would at start-up. */
  private async reopenLog(eventId: string): Promise<EventLog> {
    try {
      return await EventLog.open(eventId, path.join(this.eventsDir, eventId), this.recentEntries, this.counters, this.logOptions(eventId));
    } catch (err) {
      if (isEngineError(err, 'corrupt_log')) {
        const meta = this.events.get(eventId) ?? null;
        this.events.delete(eventId);
        this.logs.remove(eventId);
        this.quarantine(eventId, meta, err instanceof DamagedLogError ? err.summary : err.message);
      }
      throw err;
    }
  }

  private quarantine(dirName: string, meta: EventMeta | null, reason: string): void {
    this.quarantined.set(meta?.eventId ?? dirName, { meta, reason, since: Date.now() });
    this.takenIds.add((meta?.eventId ?? dirName).toLowerCase());
    if (meta && !this.byCode.has(meta.joinCode)) this.byCode.set(meta.joinCode, meta.eventId);
  }

  private register(meta: EventMeta, log: EventLog | null): void {
    this.events.set(meta.eventId, meta);
    this.logs.add(meta.eventId, log);
    this.takenIds.add(meta.eventId.toLowerCase());
    if (!this.byCode.has(meta.joinCode)) this.byCode.set(meta.joinCode, meta.eventId);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new EngineError('closed', `engine is ${this.state === 'closed' ? 'closed' : 'not open'}`);
  }

  private async closeLogs(): Promise<void> {
    await this.logs.closeAll();
    this.unlock?.();
    this.unlock = null;
  }

  /** Where this engine keeps its files (for tools and tests). */
  get directory(): string {
    return this.dataDir;
  }
}
