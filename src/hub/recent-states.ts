/**
 * The event's states of the last few serials, for resume (P18): a client holding one of them gets
 * a patch from the view of that state. Kept lazily (issue 18): not one state per entry, but a few
 * published states (checkpoints) and the entries after them; the state at a serial is folded from
 * the checkpoint before it when a resume asks for it (then remembered). So the hub folds its
 * entries in batches that span engine pages (BatchFold) instead of one by one for the last ones,
 * and a resume pays at most CHECKPOINT_EVERY entries of folding, once per serial.
 */
import { foldBatch, type EventState, type LogEntry } from '../shared/domain';
import { LruMap } from '../shared/lru';

/**
 * A checkpoint is published at least every this many entries: a resume's fold is at most this
 * long (under 0.1 s of votes, once per serial asked). A tick publishes the state too (10 Hz), so
 * this bound only cuts batches above 655,000 entries/s, where it keeps them at 65,536 (issue 18:
 * the reducer reaches 1M entries/s only from batches of this order; docs/benchmarks.md).
 */
export const CHECKPOINT_EVERY = 65_536;
/** States folded for resumes that are kept (a storm of clients mostly holds a few serials). */
const CACHED = 16;

export class RecentStates {
  /** Published states, oldest first: each never written again, so it can be shared. */
  private readonly checkpoints: Array<{ serial: number; state: EventState }> = [];
  /** The entries after the oldest checkpoint, in serial order (consecutive serials). */
  private entries: LogEntry[] = [];
  /** Resume states folded on demand: a storm asks for a few serials many times, so the least recently asked goes first. */
  private readonly cache = new LruMap<number, EventState>(CACHED);
  private newest = 0;

  /** `window`: how many of the newest serials have a state (those after `newest - window`). */
  constructor(private readonly window: number) {}

  /** The oldest checkpoint held (issue 18: what a state snapshot stores), or undefined before the first. */
  get oldest(): { serial: number; state: EventState } | undefined {
    return this.checkpoints[0];
  }

  /** Serials of the checkpoints held, oldest first (tests compare reopen paths). */
  get checkpointSerials(): number[] {
    return this.checkpoints.map((c) => c.serial);
  }

  /** The serial of the newest checkpoint, or null before the first. */
  get lastCheckpoint(): number | null {
    return this.checkpoints.at(-1)?.serial ?? null;
  }

  /** `state` is the published state after `serial`, the newest entry folded. */
  checkpoint(serial: number, state: EventState): void {
    if (this.lastCheckpoint === serial) return;
    this.checkpoints.push({ serial, state });
    this.prune(serial);
  }

  /** Entries just folded after the newest checkpoint, in order. Before the first checkpoint nothing is kept. */
  add(entries: readonly LogEntry[]): void {
    if (this.checkpoints.length === 0 || entries.length === 0) return;
    for (const e of entries) this.entries.push(e);
    this.prune((entries.at(-1) as LogEntry).serial);
  }

  /** The state after `serial`, if it is one of the last `window` serials (folded on demand). */
  at(serial: number): EventState | undefined {
    if (serial > this.newest || serial <= this.newest - this.window) return undefined;
    const hit = this.cache.get(serial);
    if (hit) return hit;
    let cp: { serial: number; state: EventState } | undefined;
    for (const c of this.checkpoints) if (c.serial <= serial) cp = c;
    if (!cp) return undefined;
    if (cp.serial === serial) return cp.state;
    const first = (this.checkpoints[0] as { serial: number }).serial;
    const state = foldBatch(cp.state, this.entries.slice(cp.serial - first, serial - first));
    this.cache.set(serial, state);
    return state;
  }

  /** Keeps the newest checkpoint at or before the window's start and everything after it. */
  private prune(newest: number): void {
    this.newest = Math.max(this.newest, newest);
    const start = this.newest - this.window;
    let k = 0;
    while (k + 1 < this.checkpoints.length && (this.checkpoints[k + 1] as { serial: number }).serial <= start) k++;
    if (k > 0) {
      const before = (this.checkpoints[0] as { serial: number }).serial;
      this.checkpoints.splice(0, k);
      this.entries = this.entries.slice((this.checkpoints[0] as { serial: number }).serial - before);
    }
    for (const serial of this.cache.keys()) if (serial <= start) this.cache.delete(serial);
  }
}
