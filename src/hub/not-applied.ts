/**
 * P14 acks a duplicate pub with the original's outcome, including `applied:false` and its
 * reason. The reason is a pure function of the log up to that entry (DESIGN.md: state is a
 * fold of the log), so the hub need not remember it forever (issue 11: it did, per entry):
 * - NotAppliedWindow remembers the reasons of the last `window` serials folded (bounded by the
 *   window, evicted oldest first as the log grows);
 * - Refolder answers for an older entry by folding the log again from serial 1 up to it. One
 *   pass runs at a time per event and answers every question queued meanwhile, so a burst of old
 *   duplicates costs one fold, not one each. Such duplicates are rare: a retry comes within
 *   seconds of the original (docs/protocol-notes.md).
 */
import { foldBatch, type EventState } from '../shared/domain';
import { LruMap } from '../shared/lru';
import type { LogEntry } from '../shared/domain/types';

/** Outcomes old folds found, remembered (note 61): a client resending old ids is answered without folding again. */
export const REFOLD_ANSWERS = 10_000;
/** Between two folds for old duplicates, rest 9x the last fold's time and at least 1 s: at most a tenth of the hub (note 61). */
const REFOLD_REST_FACTOR = 9;
const REFOLD_MIN_REST_MS = 1_000;

export interface RefoldClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: RefoldClock = {
  now: () => performance.now(),
  sleep: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    }),
};

/** Reasons of the last 10,000 entries: as many as the embedded engine keeps in memory. */
export const NOT_APPLIED_WINDOW = 10_000;
const READ_PAGE = 1000;

/** `undefined`: it was applied; a string: why not; `null`: older than the window. */
export type Remembered = string | undefined | null;

export class NotAppliedWindow {
  private readonly reasons = new Map<number, string>();
  private newest = 0;
  /** Serials below this are not known here (a restore from a snapshot knew no older ones). */
  private floor = 0;

  constructor(readonly window: number = NOT_APPLIED_WINDOW) {}

  /** Every folded serial, in order; `reason` null when the entry was applied. */
  note(serial: number, reason: string | null): void {
    this.newest = serial;
    if (reason !== null) this.reasons.set(serial, reason);
    // Map keys iterate in insertion order, which is serial order here.
    const cutoff = serial - this.window;
    for (const k of this.reasons.keys()) {
      if (k > cutoff) break;
      this.reasons.delete(k);
    }
  }

  lookup(serial: number): Remembered {
    if (serial <= this.newest - this.window || serial < this.floor) return null;
    return this.reasons.get(serial);
  }

  get size(): number {
    return this.reasons.size;
  }

  /** For a state snapshot at `upTo`: the first serial known here and the reasons up to `upTo`. */
  export(upTo: number): { from: number; reasons: Array<[number, string]> } {
    const reasons: Array<[number, string]> = [];
    for (const e of this.reasons) if (e[0] <= upTo) reasons.push(e);
    return { from: Math.max(this.floor, this.newest - this.window + 1, 1), reasons };
  }

  /** Back to what `export` saw, with `newest` the snapshot's serial; folding goes on from there. */
  restore(newest: number, from: number, reasons: ReadonlyArray<readonly [number, string]>): void {
    this.reasons.clear();
    for (const [s, r] of reasons) if (s >= from && s <= newest) this.reasons.set(s, r);
    this.newest = newest;
    this.floor = from;
  }
}

interface Question {
  serial: number;
  resolve: (reason: string | undefined) => void;
  reject: (err: unknown) => void;
}

export class Refolder {
  private queue: Question[] = [];
  private running = false;
  /** serial → its reason, or null when it was applied. */
  private readonly answered = new LruMap<number, string | null>(REFOLD_ANSWERS);
  private restUntil = 0;

  constructor(
    private readonly read: (fromSerial: number, limit: number) => Promise<LogEntry[]>,
    private readonly initial: () => EventState,
    private readonly clock: RefoldClock = realClock,
  ) {}

  /** Why entry `serial` was not applied (undefined if it was), from the log itself. */
  reasonOf(serial: number): Promise<string | undefined> {
    const known = this.answered.get(serial);
    if (known !== undefined) return Promise.resolve(known ?? undefined);
    return new Promise((resolve, reject) => {
      this.queue.push({ serial, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  /**
   * One fold at a time, answering every question queued meanwhile. A fold reads and folds the
   * log from serial 1 (seconds for a million entries) for one frame from any client that resends
   * an id older than the window, so folds rest between them: a client sending such ids without
   * end gets its answers late, and the hub spends at most a tenth of its time on them.
   */
  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        // Also lets every question of the same append batch join this fold.
        await this.clock.sleep(Math.max(0, this.restUntil - this.clock.now()));
        const asked = this.queue;
        this.queue = [];
        const started = this.clock.now();
        try {
          const answers = await this.fold(new Set(asked.map((q) => q.serial)));
          for (const q of asked) {
            const reason = answers.get(q.serial);
            this.answered.set(q.serial, reason ?? null);
            q.resolve(reason);
          }
        } catch (err) {
          for (const q of asked) q.reject(err);
        }
        const took = this.clock.now() - started;
        this.restUntil = this.clock.now() + Math.max(REFOLD_MIN_REST_MS, REFOLD_REST_FACTOR * took);
      }
    } finally {
      this.running = false;
    }
  }

  private async fold(wanted: Set<number>): Promise<Map<number, string | undefined>> {
    const target = Math.max(...wanted);
    const answers = new Map<number, string | undefined>();
    let state = this.initial();
    let next = 1;
    while (next <= target) {
      const page = await this.read(next, Math.min(READ_PAGE, target - next + 1));
      if (page.length === 0) throw new Error(`log ends before serial ${target}`);
      for (const entry of page) {
        if (entry.serial !== next) throw new Error(`log out of order at serial ${entry.serial}, expected ${next}`);
        next++;
      }
      // Only the outcomes are wanted, never the states between entries: one batch per page.
      state = foldBatch(state, page, (entry, reason) => {
        if (wanted.has(entry.serial)) answers.set(entry.serial, reason ?? undefined);
      });
    }
    return answers;
  }
}
