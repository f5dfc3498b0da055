/**
 * The embedded engine (DESIGN.md "Engine interface"): zero setup, one directory per event
 * under `<dataDir>/events/<eventId>/`:
 *   meta.json  the EventMeta, replaced atomically (temp + fsync + rename + dir fsync)
 *   epoch      P15's epoch, chosen when the log is created, and again if the log was lost
 *   log.jsonl  the log, one checksummed JSON line per entry (line-codec.ts), group-committed
 * Every event is opened (and its log recovered) by open(). A log damaged where acknowledged
 * entries live, or an unreadable meta.json, quarantines that event alone: it is refused (code
 * corrupt_log, with the damaged line) and listed by troubles(), while every other event serves.
 * `<dataDir>/LOCK` keeps a second process off the same files; `<dataDir>/revocations.json`
 * holds P32's revocations (revocation-file.ts).
 * Presence is in memory: one process is the only node that can share this directory.
 */
import { parseEventMeta } from '../event-meta';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LogEntry } from '../../../shared/domain/types';
import type { AppendInput, AppendOutcome, Engine, EventLogInfo, EventMeta, EventTrouble, PresenceSample } from '../engine';
import { EngineError, isEngineError } from '../engine-error';
import { loadOrCreateSecretFile } from '../secret-file';
import { RevocationListeners, type Revocation, type RevocationListener } from '../revocations';
import { RevocationFile } from './revocation-file';
import { DamagedLogError } from './log-recovery';
import { takeDataDirLock } from './data-dir-lock';
import { EventLog, type LogCounters } from './event-log';
import { fsyncDir, writeFileAtomic } from './fs-durable';
import { PresenceStore } from './presence-store';

export interface EmbeddedEngineOptions {
  dataDir: string;
  node: string;
  /** Newest entries per event kept in memory for read/tail catch-up (default 10,000). */
  recentEntries?: number;
  /** Clock for presence expiry; tests inject one. */
  now?: () => number;
}

export interface EmbeddedStats extends LogCounters {
  events: number;
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
  private readonly events = new Map<string, { meta: EventMeta; log: EventLog }>();
  private readonly byCode = new Map<string, string>();
  /** Events whose stored files are damaged: refused until repaired (keyed by directory name). */
  private readonly quarantined = new Map<string, { meta: EventMeta | null; reason: string; since: number }>();
  /** Lower-cased ids taken or being created: Windows and macOS file names ignore case. */
  private readonly takenIds = new Set<string>();
  private readonly creatingCodes = new Set<string>();
  private readonly counters: LogCounters = {
    fsyncs: 0, batches: 0, appended: 0, duplicates: 0, largestBatch: 0, droppedLines: 0, droppedBytes: 0, tailErrors: 0,
  };
  private unlock: (() => void) | null = null;
  private revocations: RevocationFile | null = null;
  private readonly revocationListeners = new RevocationListeners();
  private readonly now: () => number;
  private openMs = 0;
  private recoveredEntries = 0;

  constructor(opts: EmbeddedEngineOptions) {
    this.dataDir = opts.dataDir;
    this.node = opts.node;
    this.eventsDir = path.join(opts.dataDir, 'events');
    this.recentEntries = opts.recentEntries ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.presenceStore = new PresenceStore(this.now);
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
          const log = await EventLog.open(meta.eventId, dir, this.recentEntries, this.counters);
          this.register(meta, log);
          this.recoveredEntries += log.info().lastSerial;
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
    return { ...this.counters, events: this.events.size, openMs: this.openMs, recoveredEntries: this.recoveredEntries };
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
      log = await EventLog.open(eventId, dir, this.recentEntries, this.counters);
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
    const meta = this.events.get(eventId)?.meta ?? this.quarantined.get(eventId)?.meta;
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
    return [...[...this.events.values()].map((e) => e.meta), ...quarantined]
      .map((m) => ({ ...m }))
      .sort((a, b) => a.createdAt - b.createdAt || a.eventId.localeCompare(b.eventId));
  }

  async info(eventId: string): Promise<EventLogInfo> {
    return this.log(eventId).info();
  }

  append(eventId: string, entries: AppendInput[]): Promise<AppendOutcome[]> {
    try {
      return this.log(eventId).append(entries);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  /** Entries from the recent cache are shared with tails and other readers: treat them as read-only. */
  async read(eventId: string, fromSerial: number, limit: number): Promise<LogEntry[]> {
    return this.log(eventId).read(fromSerial, limit);
  }

  /**
   * Throws (code unknown_event) for an event that does not exist. A log is never reset while
   * open, so `onEnd` is called only if catching up from the file fails (corrupt_log/io_failed).
   */
  tail(eventId: string, fromSerial: number, onEntries: (entries: LogEntry[]) => void, onEnd?: (err: EngineError) => void): () => void {
    return this.log(eventId).tail(fromSerial, onEntries, onEnd);
  }

  troubles(): EventTrouble[] {
    const out: EventTrouble[] = [];
    for (const [eventId, e] of this.events) {
      const o = e.log.outage;
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

  private log(eventId: string): EventLog {
    this.assertOpen();
    const e = this.events.get(eventId);
    if (!e) {
      const q = this.quarantined.get(eventId);
      if (q) throw new EngineError('corrupt_log', `event ${eventId} is quarantined: ${q.reason}`);
      throw new EngineError('unknown_event', `no event ${eventId}`);
    }
    return e.log;
  }

  private quarantine(dirName: string, meta: EventMeta | null, reason: string): void {
    this.quarantined.set(meta?.eventId ?? dirName, { meta, reason, since: Date.now() });
    this.takenIds.add((meta?.eventId ?? dirName).toLowerCase());
    if (meta && !this.byCode.has(meta.joinCode)) this.byCode.set(meta.joinCode, meta.eventId);
  }

  private register(meta: EventMeta, log: EventLog): void {
    this.events.set(meta.eventId, { meta, log });
    this.takenIds.add(meta.eventId.toLowerCase());
    if (!this.byCode.has(meta.joinCode)) this.byCode.set(meta.joinCode, meta.eventId);
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new EngineError('closed', `engine is ${this.state === 'closed' ? 'closed' : 'not open'}`);
  }

  private async closeLogs(): Promise<void> {
    await Promise.all([...this.events.values()].map((e) => e.log.close()));
    this.unlock?.();
    this.unlock = null;
  }

  /** Where this engine keeps its files (for tools and tests). */
  get directory(): string {
    return this.dataDir;
  }
}
