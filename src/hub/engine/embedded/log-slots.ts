/**
 * The event logs of one embedded engine, loaded on demand and unloaded when idle (issue 11), so
 * open files and memory follow the events in use, not every event ever opened. A log is idle
 * once nothing used it for `idleMs` and it is not busy (no tail, no queued append, no storage
 * outage); unloading closes its file and drops its dedupe index and recent cache. The next call
 * reopens it through the same recovery as a restart: serials, epoch and dedupe (P14, P15) come
 * from the file, exactly as before.
 */
import type { EventLog } from './event-log';

interface Slot {
  log: EventLog | null;
  loading: Promise<EventLog> | null;
  closing: Promise<void> | null;
  lastUsed: number;
}

export interface LogSlotsOptions {
  /** Unused this long (ms), a log is closed. */
  idleMs: number;
  /** Opens (and recovers) one event's log. */
  open: (eventId: string) => Promise<EventLog>;
  now?: () => number;
}

export class LogSlots {
  private readonly slots = new Map<string, Slot>();
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly opts: LogSlotsOptions) {
    this.now = opts.now ?? (() => performance.now());
    // Checking every half idle period keeps an idle log open at most 1.5 x idleMs.
    this.sweepTimer = setInterval(() => void this.unloadIdle(), Math.max(50, Math.min(opts.idleMs / 2, 30_000)));
    this.sweepTimer.unref();
  }

  has(eventId: string): boolean {
    return this.slots.has(eventId);
  }

  /** A known event; `log` is its already open log, if any. */
  add(eventId: string, log: EventLog | null): void {
    this.slots.set(eventId, { log, loading: null, closing: null, lastUsed: this.now() });
  }

  /** Forgets an event (it was quarantined); its log must already be closed. */
  remove(eventId: string): void {
    this.slots.delete(eventId);
  }

  get size(): number {
    return this.slots.size;
  }

  /** Logs open right now. */
  get loaded(): number {
    let n = 0;
    for (const s of this.slots.values()) if (s.log) n++;
    return n;
  }

  *openLogs(): Iterable<[string, EventLog]> {
    for (const [id, s] of this.slots) if (s.log) yield [id, s.log];
  }

  /**
   * The event's log: the log itself when open (so appends keep their call order synchronously),
   * else a promise of it, opened once however many callers wait. Undefined for an unknown event.
   */
  get(eventId: string): EventLog | Promise<EventLog> | undefined {
    const slot = this.slots.get(eventId);
    if (!slot) return undefined;
    slot.lastUsed = this.now();
    if (slot.log) return slot.log;
    slot.loading ??= this.load(eventId, slot);
    return slot.loading;
  }

  private async load(eventId: string, slot: Slot): Promise<EventLog> {
    try {
      await slot.closing; // the file is released before it is opened again
      const log = await this.opts.open(eventId);
      slot.log = log;
      slot.lastUsed = this.now();
      return log;
    } finally {
      slot.loading = null;
    }
  }

  /** Closes every log unused for idleMs and not busy; resolves with how many it closed. */
  async unloadIdle(): Promise<number> {
    const cutoff = this.now() - this.opts.idleMs;
    const closing: Array<Promise<void>> = [];
    for (const slot of this.slots.values()) {
      const log = slot.log;
      if (!log || slot.lastUsed > cutoff || log.busy) continue;
      slot.log = null; // from now on callers wait for a fresh open
      slot.closing = log.close().finally(() => (slot.closing = null));
      closing.push(slot.closing);
    }
    await Promise.all(closing);
    return closing.length;
  }

  async closeAll(): Promise<void> {
    clearInterval(this.sweepTimer);
    const all: Array<Promise<unknown>> = [];
    for (const slot of this.slots.values()) {
      if (slot.loading) all.push(slot.loading.then((l) => l.close(), () => undefined));
      if (slot.log) all.push(slot.log.close());
      if (slot.closing) all.push(slot.closing);
      slot.log = null;
    }
    await Promise.all(all);
  }
}
