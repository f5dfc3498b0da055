/**
 * Live tails of one event log (P17 `sub view:"log"`). A tail first catches up from stored
 * entries in pages, then turns live; the switch happens in the same synchronous step that
 * sees it has reached the last durable serial, and commits deliver synchronously, so no
 * entry is missed or repeated between the two phases.
 */
import type { LogEntry } from '../../../shared/domain/types';
import { EngineError } from '../engine-error';

const PAGE = 1000;

interface Tail {
  /** Next serial this tail must receive. */
  next: number;
  onEntries: (entries: LogEntry[]) => void;
  onEnd: ((err: EngineError) => void) | undefined;
  stopped: boolean;
}

export class TailSet {
  private readonly live = new Set<Tail>();
  private readonly all = new Set<Tail>();

  constructor(
    private readonly read: (from: number, limit: number) => Promise<LogEntry[]>,
    private readonly durable: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  add(fromSerial: number, onEntries: (entries: LogEntry[]) => void, onEnd?: (err: EngineError) => void): () => void {
    const tail: Tail = { next: Math.max(1, Math.floor(fromSerial)), onEntries, onEnd, stopped: false };
    this.all.add(tail);
    void this.catchUp(tail);
    return () => this.stop(tail);
  }

  /** A durable batch: consecutive serials, in order. */
  deliver(entries: LogEntry[]): void {
    const first = entries[0]?.serial;
    if (first === undefined) return;
    for (const tail of this.live) {
      const skip = tail.next - first;
      if (skip >= entries.length) continue; // a tail that starts in the future
      this.emit(tail, skip > 0 ? entries.slice(skip) : entries);
    }
  }

  /** Tails not stopped yet (a log with tails is in use and stays loaded). */
  get size(): number {
    return this.all.size;
  }

  stopAll(): void {
    for (const tail of this.all) this.stop(tail);
  }

  private stop(tail: Tail): void {
    tail.stopped = true;
    this.live.delete(tail);
    this.all.delete(tail);
  }

  private async catchUp(tail: Tail): Promise<void> {
    try {
      while (!tail.stopped) {
        if (tail.next > this.durable()) {
          this.live.add(tail);
          return;
        }
        const page = await this.read(tail.next, PAGE);
        if (tail.stopped) return;
        const fresh = page.filter((e) => e.serial >= tail.next);
        if (fresh.length === 0) throw new Error(`log read returned nothing at serial ${tail.next}`);
        this.emit(tail, fresh);
      }
    } catch (err) {
      // The stored log could not be read (damaged or unreadable): the tail ends, and says so.
      this.stop(tail);
      this.onError(err);
      try {
        tail.onEnd?.(err instanceof EngineError ? err : new EngineError('io_failed', `log read failed: ${String(err)}`, { cause: err }));
      } catch (endErr) {
        this.onError(endErr);
      }
    }
  }

  private emit(tail: Tail, entries: LogEntry[]): void {
    tail.next = (entries[entries.length - 1] as LogEntry).serial + 1;
    try {
      tail.onEntries(entries);
    } catch (err) {
      // A broken subscriber must not break the commit path of everyone else: it is dropped
      // (counted in stats().tailErrors), without onEnd, as the failure was its own.
      this.stop(tail);
      this.onError(err);
    }
  }
}
