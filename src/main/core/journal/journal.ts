/**
 * The console's durable memory on top of the record file: the outbox (every operator action
 * with its id `<consoleId>:<seq>`), its acks and nacks and settings.
 *
 * Records are applied to memory when they are appended (before the fsync), so a compaction
 * started at any moment can rewrite everything appended so far; an enqueued action becomes
 * visible (pending(), recent(), onChange) only once it is durable, so nothing is sent or
 * shown as queued before it would survive a crash. A rejected enqueue means "not known to be
 * queued": the bytes may still be on disk and be sent after a restart (the hub dedupes).
 */
import crypto from 'node:crypto';
import type { AckFrame, NackFrame } from '../../../shared/protocol/frames';
import { JournalError } from './errors';
import { JournalFile, type JournalFileOptions, type OpenReport } from './journal-file';
import type { JournalRecord } from './line-codec';
import { CONSOLE_ID_PATTERN, ConsoleRecord, Settings, type AckedRecord, type EnqueueRecord, type FailedRecord } from './records';

export type OutboxState = 'queued' | 'sent' | 'acked' | 'failed';

export interface OutboxItem {
  id: string;
  seq: number;
  eventId: string;
  name: string;
  data: unknown;
  queuedAt: number;
}

/** An item as the UI shows it. */
export interface OutboxEntry extends OutboxItem {
  state: OutboxState;
  serial?: number;
  dup?: boolean;
  applied?: boolean;
  /** ack: why it had no effect (applied:false); failed: the nack's message. */
  reason?: string;
  /** failed: the nack's code. */
  code?: string;
}

export type JournalChange =
  | { kind: 'enqueued' | 'sent' | 'acked' | 'failed'; id: string }
  | { kind: 'unsent' | 'settings' | 'compacted' }
  | { kind: 'error'; error: JournalError };

export interface JournalOptions {
  /** Used only when the journal has none yet; afterwards the stored one wins. */
  consoleId?: string;
  now?: () => number;
  /** Compact once the file holds this many records that compaction would drop (default 2,000). */
  compactAfter?: number;
  /** Settled actions kept for the UI across compactions (default 200). */
  keepSettled?: number;
  file?: JournalFileOptions;
}

export interface JournalOpenReport extends OpenReport {
  /** Well-formed lines that are not a record this version knows (skipped). */
  unknownRecords: number;
}

interface Item extends OutboxItem {
  durable: boolean;
  sent: boolean;
  settle: AckedRecord | FailedRecord | null;
}

const toItem = (i: Item): OutboxItem => ({ id: i.id, seq: i.seq, eventId: i.eventId, name: i.name, data: i.data, queuedAt: i.queuedAt });
function toEntry(i: Item): OutboxEntry {
  const e: OutboxEntry = { ...toItem(i), state: i.settle ? i.settle.k : i.sent ? 'sent' : 'queued' };
  if (i.settle?.k === 'acked') {
    Object.assign(e, { serial: i.settle.serial, dup: i.settle.dup, applied: i.settle.applied });
    if (i.settle.reason !== undefined) e.reason = i.settle.reason;
  } else if (i.settle?.k === 'failed') Object.assign(e, { code: i.settle.code, reason: i.settle.message });
  return e;
}
const enqueueRecord = (i: Item): EnqueueRecord => ({ k: 'enqueue', ...toItem(i) });

export class Journal {
  private readonly items = new Map<string, Item>(); // in seq order
  private readonly unsettled = new Map<string, Item>(); // in seq order
  private settledCount = 0;
  private nextSeq = 1;
  private current: Settings;
  private compaction: Promise<void> | null = null;
  /** After a failed compaction, wait for this many records in the file before trying again. */
  private compactRetryAt = 0;
  private readonly listeners = new Set<(c: JournalChange) => void>();
  private closed = false;
  private errorEmitted = false;
  private readonly now: () => number;
  private readonly compactAfter: number;
  private readonly keepSettled: number;

  private constructor(
    private readonly file: JournalFile,
    readonly report: JournalOpenReport,
    opts: JournalOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.compactAfter = opts.compactAfter ?? 2_000;
    this.keepSettled = opts.keepSettled ?? 200;
    this.current = { consoleId: '', hubUrls: [] };
  }

  static async open(dir: string, opts: JournalOptions = {}): Promise<Journal> {
    if (opts.consoleId !== undefined && !CONSOLE_ID_PATTERN.test(opts.consoleId))
      throw new JournalError('invalid', 'consoleId must be 1-40 characters of A-Z a-z 0-9 _ -');
    const { file, records, report } = await JournalFile.open(dir, opts.file);
    const j = new Journal(file, { ...report, unknownRecords: 0 }, opts);
    let hasSettings = false;
    for (const raw of records) {
      const parsed = ConsoleRecord.safeParse(raw);
      if (!parsed.success) j.report.unknownRecords++;
      else hasSettings = j.replay(parsed.data) || hasSettings;
    }
    if (!hasSettings) {
      j.current = { consoleId: opts.consoleId ?? crypto.randomBytes(6).toString('base64url'), hubUrls: [] };
      try {
        await file.append([{ k: 'settings', v: j.current }]); // the id must be stable before any action uses it
      } catch (err) {
        await file.close();
        throw err;
      }
    }
    j.maybeCompact();
    return j;
  }

  get consoleId(): string {
    return this.current.consoleId;
  }
  /** Set once the file failed: the journal then refuses writes until reopened. */
  get error(): JournalError | null {
    return this.file.error;
  }
  get fileStats(): JournalFile['stats'] {
    return this.file.stats;
  }

  onChange(cb: (c: JournalChange) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Resolves once the action is fsynced: only then is it "queued". `id`: the caller's own (default `<consoleId>:<seq>`). */
  async enqueue(eventId: string, name: string, data: unknown, id?: string): Promise<OutboxItem> {
    this.assertOpen();
    if (!eventId) throw new JournalError('invalid', 'eventId is required');
    if (!name || name.length > 64) throw new JournalError('invalid', 'name must be 1-64 characters');
    if (id !== undefined && (id.length === 0 || id.length > 64)) throw new JournalError('invalid', 'id must be 1-64 characters');
    const known = id !== undefined ? this.items.get(id) : undefined;
    if (known) return toItem(known); // the same id is the same action (P14)
    const seq = this.nextSeq++;
    const item: Item = { id: id ?? `${this.consoleId}:${seq}`, seq, eventId, name, data: data ?? null, queuedAt: this.now(), durable: false, sent: false, settle: null };
    this.items.set(item.id, item);
    this.unsettled.set(item.id, item);
    try {
      await this.write([enqueueRecord(item)]);
    } catch (err) {
      this.items.delete(item.id);
      this.unsettled.delete(item.id);
      throw err;
    }
    item.durable = true;
    this.emit({ kind: 'enqueued', id: item.id });
    return toItem(item);
  }

  /** Settles an action (ack or dup ack). False if it is not an unsettled action of ours. */
  markAcked(ack: AckFrame): Promise<boolean> {
    const rec: AckedRecord = { k: 'acked', id: ack.id, serial: ack.serial, dup: ack.dup ?? false, applied: ack.applied };
    if (ack.reason !== undefined) rec.reason = ack.reason;
    return this.settle(rec);
  }

  /** Settles an action as failed (a nack): it is never sent again. */
  markFailed(nack: NackFrame): Promise<boolean> {
    return this.settle({ k: 'failed', id: nack.id, code: nack.code, message: nack.message });
  }

  /**
   * Undo: an action still queued (durable, not yet sent) is settled as failed `cancelled` and
   * never sent. False once it is in flight or settled: the hub may already have it.
   */
  cancel(id: string): Promise<boolean> {
    const item = this.unsettled.get(id);
    if (!item || !item.durable || item.sent) return Promise.resolve(false);
    return this.settle({ k: 'failed', id, code: 'cancelled', message: 'undone before it was sent' });
  }

  /** In memory only: after a restart every unsettled action is resent anyway. */
  markSent(id: string): void {
    const item = this.unsettled.get(id);
    if (!item || item.sent) return;
    item.sent = true;
    this.emit({ kind: 'sent', id });
  }

  /** The connection dropped: nothing is in flight any more. */
  clearSent(): void {
    let changed = false;
    for (const item of this.unsettled.values()) {
      if (!item.sent) continue;
      item.sent = false;
      changed = true;
    }
    if (changed) this.emit({ kind: 'unsent' });
  }

  /** Durable, unsettled actions in the order they were queued. */
  pending(opts: { eventId?: string; limit?: number } = {}): OutboxItem[] {
    const out: OutboxItem[] = [];
    const limit = opts.limit ?? Infinity;
    for (const item of this.unsettled.values()) {
      if (out.length >= limit) break;
      if (item.durable && (opts.eventId === undefined || item.eventId === opts.eventId)) out.push(toItem(item));
    }
    return out;
  }

  /** The last n actions (oldest first) with their state, for the UI. */
  recent(n = this.keepSettled): OutboxEntry[] {
    const all = [...this.items.values()].filter((i) => i.durable);
    return all.slice(Math.max(0, all.length - n)).map(toEntry);
  }

  /**
   * What the UI needs to show the outbox truthfully: every unsettled action (however many;
   * the top bar counts them) plus the last n, oldest first.
   */
  shown(n = this.keepSettled): OutboxEntry[] {
    const all = [...this.items.values()].filter((i) => i.durable);
    const from = Math.max(0, all.length - n);
    return all.filter((i, k) => k >= from || !i.settle).map(toEntry);
  }

  /** These actions as they stand now (unknown or not yet durable ids are left out). */
  entries(ids: Iterable<string>): OutboxEntry[] {
    const out: OutboxEntry[] = [];
    for (const id of ids) {
      const i = this.items.get(id);
      if (i?.durable) out.push(toEntry(i));
    }
    return out;
  }

  /** Ids of the durable actions not yet acked or refused. */
  unsettledIds(): string[] {
    return [...this.unsettled.values()].filter((i) => i.durable).map((i) => i.id);
  }

  settings(): Settings {
    return structuredClone(this.current);
  }

  /** Merges and persists (fsynced). `consoleId` cannot be changed; undefined removes a key. */
  async saveSettings(patch: Partial<Omit<Settings, 'consoleId'>>): Promise<void> {
    this.assertOpen();
    const next: Record<string, unknown> = { ...this.current, ...structuredClone(patch), consoleId: this.consoleId };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    const parsed = Settings.safeParse(next);
    if (!parsed.success) throw new JournalError('invalid', `settings: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    this.current = parsed.data;
    await this.write([{ k: 'settings', v: this.current }]);
    this.emit({ kind: 'settings' });
  }

  /** Rewrites the file to the live records; runs automatically past `compactAfter`. */
  compact(): Promise<void> {
    if (this.compaction) return this.compaction;
    if (this.closed) return Promise.reject(new JournalError('closed', 'journal closed'));
    if (this.file.error) return Promise.reject(this.file.error);
    const run = this.compactNow().finally(() => {
      this.compaction = null;
    });
    this.compaction = run;
    return run;
  }

  /** Flushes every write and releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.compaction?.catch(() => undefined);
    this.closed = true;
    await this.file.close();
    this.listeners.clear();
  }

  // ---- internals ------------------------------------------------------------------

  /** Returns true for a settings record. */
  private replay(rec: ConsoleRecord): boolean {
    switch (rec.k) {
      case 'enqueue': {
        if (this.items.has(rec.id)) return false;
        const item: Item = { id: rec.id, seq: rec.seq, eventId: rec.eventId, name: rec.name, data: rec.data ?? null, queuedAt: rec.queuedAt, durable: true, sent: false, settle: null };
        this.items.set(rec.id, item);
        this.unsettled.set(rec.id, item);
        this.nextSeq = Math.max(this.nextSeq, rec.seq + 1);
        return false;
      }
      case 'acked':
      case 'failed': {
        const item = this.unsettled.get(rec.id);
        if (item) this.applySettle(item, rec);
        return false;
      }
      case 'settings':
        this.current = rec.v;
        return true;
      case 'lastSerial':
        // Written by consoles before the view cache held the resume cursor; read and dropped.
        return false;
      case 'seq':
        this.nextSeq = Math.max(this.nextSeq, rec.next);
        return false;
    }
  }

  private applySettle(item: Item, rec: AckedRecord | FailedRecord): void {
    item.settle = rec;
    item.sent = false;
    this.unsettled.delete(item.id);
    this.settledCount++;
  }

  private settle(rec: AckedRecord | FailedRecord): Promise<boolean> {
    if (this.closed) return Promise.reject(new JournalError('closed', 'journal closed'));
    const item = this.unsettled.get(rec.id);
    if (!item) return Promise.resolve(false);
    this.applySettle(item, rec);
    this.emit({ kind: rec.k, id: rec.id });
    const written = this.write([rec]).then(() => true);
    this.maybeCompact();
    return written;
  }

  private write(records: JournalRecord[]): Promise<void> {
    return this.file.append(records).catch((err: unknown) => {
      if (err instanceof JournalError && err.code === 'io' && !this.errorEmitted) {
        this.errorEmitted = true;
        this.emit({ kind: 'error', error: err });
      }
      throw err;
    });
  }

  private maybeCompact(): void {
    if (this.compaction || this.closed || this.file.error) return;
    const live = 2 + this.unsettled.size + 2 * Math.min(this.settledCount, this.keepSettled);
    const records = this.file.stats.records;
    if (records - live <= this.compactAfter || records < this.compactRetryAt) return;
    // A failure (say Windows keeps the file busy past the rename retries) is reported to
    // listeners; retrying after every append would stall appends again and again.
    this.compact().catch(() => (this.compactRetryAt = records + this.compactAfter));
  }

  private async compactNow(): Promise<void> {
    // Keep the newest settled actions for the UI; older ones leave memory and the file.
    let toDrop = Math.max(0, this.settledCount - this.keepSettled);
    for (const item of this.items.values()) {
      if (toDrop === 0) break;
      if (!item.settle) continue;
      this.items.delete(item.id);
      this.settledCount--;
      toDrop--;
    }
    const live: JournalRecord[] = [{ k: 'settings', v: this.current }, { k: 'seq', next: this.nextSeq }];
    for (const item of this.items.values()) {
      live.push(enqueueRecord(item));
      if (item.settle) live.push(item.settle);
    }
    try {
      await this.file.compact(live);
    } catch (err) {
      if (err instanceof JournalError && err.code === 'io') this.emit({ kind: 'error', error: err });
      throw err;
    }
    this.emit({ kind: 'compacted' });
  }

  private assertOpen(): void {
    if (this.closed) throw new JournalError('closed', 'journal closed');
    if (this.file.error) throw this.file.error;
  }

  private emit(change: JournalChange): void {
    for (const cb of this.listeners) {
      try {
        cb(change);
      } catch {
        // a faulty UI listener must not break the outbox
      }
    }
  }
}
