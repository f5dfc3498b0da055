/**
 * The newest durable entries of one event, for `read`/`tail` catch-up without touching the
 * file (a reconnecting client usually asks for the last few seconds). Bounded: older reads
 * scan the file from the sparse offset index.
 */
import type { LogEntry } from '../../../shared/domain/types';

export class RecentCache {
  private entries: LogEntry[] = [];

  constructor(private readonly capacity: number) {}

  /** Serial of the oldest cached entry, or Infinity when empty. */
  get first(): number {
    return this.entries[0]?.serial ?? Infinity;
  }

  /** Entries must arrive in serial order without gaps. */
  push(entry: LogEntry): void {
    if (this.capacity <= 0) return;
    this.entries.push(entry);
    // Trim in bulk: amortised O(1) per push instead of a shift per push.
    if (this.entries.length >= this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
  }

  /** Cached entries with from <= serial <= to (callers check from >= first). */
  slice(from: number, to: number): LogEntry[] {
    const first = this.first;
    if (first === Infinity) return [];
    return this.entries.slice(Math.max(0, from - first), Math.max(0, to - first + 1));
  }
}
