/**
 * Live tails over Redis. A tail always takes its entries from the stream itself (the READ
 * script, from its next serial on), never from a Pub/Sub payload: a publish only wakes it.
 * So a message lost during a reconnect, or a poll that overlaps a wake-up, can only cause a
 * read that finds nothing new — never a gap or a repeat. Wake-ups come from the event's
 * channel, from this engine's own appends (which hand their entries straight to a tail
 * waiting exactly for them, saving the acking node a round trip), from the subscriber
 * reconnecting, and from a poll every `pollMs` as a safety net.
 *
 * A wake-up after a quiet spell reads at once; while wake-ups keep coming, a tail reads at most
 * once per `readWindowMs` and takes everything appended meanwhile in that one read (COUNT
 * `PAGE`), with at most one read in flight. Each read and each wake-up costs the follower a
 * Redis round trip, a RESP reply and an event-loop turn whatever it carries (capacity bench:
 * ~1 ms of hub CPU per read on a shared 2-core box), so reading per append batch made a node's
 * cost per remote entry grow with the other nodes' batch rate; the window bounds it. Views go
 * out at most every sync tick (100 ms at 10 Hz), so a window well below that delays a remote
 * change by at most the window under load and not at all after a quiet spell. Entries this
 * engine appended skip the window (their acks wait for the fold: P12).
 *
 * Under sustained load the wake-ups themselves cost more than the reads (one Pub/Sub message per
 * append batch of every other node, each a socket read, a RESP decode and a turn of the loop).
 * So once HOT_AFTER reads in a row were held back by the window and found entries, the event's
 * channel is left and its tails read every window by themselves; the first read that finds
 * nothing subscribes again, then reads once more (entries appended before the subscription took
 * hold would have no wake-up). Either way every entry comes from the stream, in order.
 */
import type { LogEntry } from '../../../shared/domain/types';
import { EngineError } from '../engine-error';

const PAGE = 1000;
/** Reads in a row held back by the window that found entries, before a feed polls instead of listening. */
const HOT_AFTER = 5;
/** Default least time between two reads of one tail while wake-ups keep coming (see above). */
export const DEFAULT_READ_WINDOW_MS = 20;

export type TailRead = { epoch: string; entries: LogEntry[] } | 'unknown_event';

export interface TailFeedDeps {
  read: (eventId: string, from: number, count: number) => Promise<TailRead>;
  subscribe: (eventId: string, onMessage: (message: string) => void) => Promise<void>;
  unsubscribe: (eventId: string) => Promise<void>;
  /** A read failed (Redis unreachable): the tail stays and retries at the next wake-up. */
  onReadError: (err: unknown) => void;
  /** A tail's callback threw: that tail was stopped (as the embedded engine does). */
  onCallbackError: (err: unknown) => void;
}

interface Tail {
  eventId: string;
  /** Next serial this tail must receive. */
  next: number;
  /** The epoch of the log this tail follows; learnt at its first read. */
  epoch: string | null;
  /** A read is in flight (or about to be). */
  busy: boolean;
  /** Woken while busy: read again once the window allows. */
  again: boolean;
  /** Woken for entries this engine appended: read again at once (an ack waits for them). */
  urgent: boolean;
  /** performance.now() when the last read started. */
  lastReadAt: number;
  /** The read deferred to the end of the window, if one is. */
  timer: NodeJS.Timeout | null;
  /** The next read was deferred by the window (wake-ups came faster than it). */
  held: boolean;
  stopped: boolean;
  onEntries: (entries: LogEntry[]) => void;
  onEnd: ((err: EngineError) => void) | undefined;
}

/** One event's tails and how they are woken. */
interface Feed {
  tails: Set<Tail>;
  /** Listening on the event's channel (or about to: SUBSCRIBE sent). */
  listening: boolean;
  /** Reads in a row held back by the window that found entries. */
  streak: number;
}

export class TailFeeds {
  private readonly byEvent = new Map<string, Feed>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly deps: TailFeedDeps,
    pollMs: number,
    private readonly readWindowMs = DEFAULT_READ_WINDOW_MS,
  ) {
    this.timer = setInterval(() => this.wakeAll(), pollMs);
    this.timer.unref();
  }

  add(eventId: string, fromSerial: number, onEntries: (entries: LogEntry[]) => void, onEnd?: (err: EngineError) => void): () => void {
    const tail: Tail = {
      eventId, next: Math.max(1, Math.floor(fromSerial)), epoch: null, busy: false, again: false, urgent: false, lastReadAt: -Infinity, timer: null, held: false, stopped: false, onEntries, onEnd,
    };
    let feed = this.byEvent.get(eventId);
    if (!feed) {
      this.byEvent.set(eventId, (feed = { tails: new Set(), listening: false, streak: 0 }));
      this.listen(eventId, feed);
    }
    feed.tails.add(tail);
    void this.pump(tail);
    return () => this.stop(tail);
  }

  /** Entries this engine just appended (consecutive serials of `epoch`'s log). */
  appended(eventId: string, epoch: string, entries: LogEntry[]): void {
    const first = entries[0]?.serial;
    const last = entries[entries.length - 1]?.serial;
    if (first === undefined || last === undefined) return;
    for (const tail of this.byEvent.get(eventId)?.tails ?? []) {
      if (tail.stopped || tail.next > last) continue;
      if (!tail.busy && tail.epoch === epoch && tail.next === first) this.emit(tail, entries);
      else void this.pump(tail, true);
    }
  }

  wake(eventId: string): void {
    for (const tail of this.byEvent.get(eventId)?.tails ?? []) void this.pump(tail);
  }

  /** Subscribes to the event's channel; once subscribed, reads again: a publish before the subscription took hold was missed. */
  private listen(eventId: string, feed: Feed): void {
    feed.listening = true;
    feed.streak = 0;
    this.deps.subscribe(eventId, (m) => this.onMessage(eventId, m)).then(
      () => {
        if (this.byEvent.get(eventId) === feed) this.wake(eventId);
      },
      (err: unknown) => this.deps.onReadError(err),
    );
  }

  wakeAll(): void {
    for (const eventId of this.byEvent.keys()) this.wake(eventId);
  }

  stopAll(): void {
    clearInterval(this.timer);
    for (const feed of this.byEvent.values()) for (const t of feed.tails) this.stop(t);
  }

  /** Channel message "<epoch> <lastSerial>": skip the read only when it says nothing is new for us. */
  private onMessage(eventId: string, message: string): void {
    const [epoch, lastText] = message.split(' ');
    const last = Number(lastText);
    for (const tail of this.byEvent.get(eventId)?.tails ?? []) {
      if (tail.epoch === epoch && tail.next > last) continue;
      void this.pump(tail);
    }
  }

  /** Reads now, or at the end of the read window (`urgent`: now, for this engine's own entries). */
  private async pump(tail: Tail, urgent = false): Promise<void> {
    if (tail.stopped) return;
    if (tail.busy) {
      tail.again = true;
      tail.urgent ||= urgent;
      return;
    }
    const wait = urgent ? 0 : tail.lastReadAt + this.readWindowMs - performance.now();
    if (wait > 0) {
      // Coalesce: one read at the window's end takes whatever the wake-ups meanwhile announced.
      tail.held = true;
      tail.timer ??= setTimeout(() => {
        tail.timer = null;
        void this.pump(tail);
      }, wait);
      tail.timer.unref();
      return;
    }
    if (tail.timer) {
      clearTimeout(tail.timer);
      tail.timer = null;
    }
    tail.busy = true;
    const held = tail.held;
    tail.held = false;
    let more = false;
    let found = false;
    try {
      do {
        tail.again = false;
        tail.urgent = false;
        for (;;) {
          tail.lastReadAt = performance.now();
          const r = await this.deps.read(tail.eventId, tail.next, PAGE);
          if (tail.stopped) return;
          if (r === 'unknown_event') return this.end(tail, new EngineError('unknown_event', `no event ${tail.eventId}`));
          tail.epoch ??= r.epoch;
          if (r.epoch !== tail.epoch) {
            return this.end(tail, new EngineError('log_reset', `event ${tail.eventId}: the log was lost and restarted under epoch ${r.epoch} (was ${tail.epoch})`));
          }
          const fresh = r.entries.filter((e) => e.serial >= tail.next);
          if (fresh.length === 0) break;
          if (fresh[0]?.serial !== tail.next) {
            return this.end(tail, new EngineError('corrupt_log', `event ${tail.eventId}: expected serial ${tail.next}, the stream has ${fresh[0]?.serial}`));
          }
          found = true;
          this.emit(tail, fresh);
          if (r.entries.length < PAGE || tail.stopped) break;
        }
      } while (tail.urgent && !tail.stopped);
      more = tail.again;
    } catch (err) {
      this.deps.onReadError(err); // the poll or the next wake-up retries
    } finally {
      tail.busy = false;
    }
    if (tail.stopped) return;
    const feed = this.byEvent.get(tail.eventId);
    if (feed?.listening === false && !found) this.listen(tail.eventId, feed); // quiet again: wake-ups from Pub/Sub
    else if (feed?.listening && found && held && ++feed.streak >= HOT_AFTER) {
      feed.listening = false; // wake-ups faster than the window: read every window instead
      this.deps.unsubscribe(tail.eventId).catch((err: unknown) => this.deps.onReadError(err));
    } else if (feed?.listening && !(found && held)) feed.streak = 0;
    // Woken during the read, or reading every window without wake-ups: read again once the window allows.
    if (more || (feed?.listening === false && found)) void this.pump(tail);
  }

  private emit(tail: Tail, entries: LogEntry[]): void {
    tail.next = (entries[entries.length - 1] as LogEntry).serial + 1;
    try {
      tail.onEntries(entries);
    } catch (err) {
      this.stop(tail);
      this.deps.onCallbackError(err);
    }
  }

  private end(tail: Tail, err: EngineError): void {
    if (tail.stopped) return;
    this.stop(tail);
    tail.onEnd?.(err);
  }

  private stop(tail: Tail): void {
    if (tail.stopped) return;
    tail.stopped = true;
    if (tail.timer) clearTimeout(tail.timer);
    tail.timer = null;
    const feed = this.byEvent.get(tail.eventId);
    if (!feed) return;
    feed.tails.delete(tail);
    if (feed.tails.size === 0) {
      this.byEvent.delete(tail.eventId);
      if (feed.listening) this.deps.unsubscribe(tail.eventId).catch((err: unknown) => this.deps.onReadError(err));
    }
  }
}
