/**
 * The outbox's sending logic, without sockets: the Link gives it a `send` function and
 * forwards ack/nack frames and disconnects. Actions go out in queue order, pipelined (at
 * most `maxInFlight` unacknowledged), each with the id it got when it was journaled, so a
 * resend after a reconnect, a restart or a crash is a duplicate the hub recognises (P14)
 * and answers with the original ack plus dup:true. A nacked action is settled as failed and
 * never resent: the operator decides (a retry is a new action with a new id).
 */
import type { AckFrame, NackFrame, PubFrame } from '../../../shared/protocol/frames';
import type { Journal } from './journal';

export type OutboxJournal = Pick<Journal, 'pending' | 'markSent' | 'clearSent' | 'markAcked' | 'markFailed' | 'onChange'>;

export interface OutboxOptions {
  /**
   * Unacknowledged frames allowed on the wire (default 50). Enough to hide the round trip
   * (50 frames per RTT is ~1,000/s at 50 ms) while a backlog after a long outage goes out
   * in steps that stay under the hub's staff rate limit (P24: 200/s, burst 400).
   */
  maxInFlight?: number;
  /** Only actions of this event are sent (the connection's event); all when unset. */
  eventId?: string;
}

export class Outbox {
  private readonly inFlight = new Set<string>();
  private online = false;
  private readonly maxInFlight: number;
  private eventId: string | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly journal: OutboxJournal,
    private readonly send: (frame: PubFrame) => boolean,
    opts: OutboxOptions = {},
  ) {
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 50);
    this.eventId = opts.eventId;
    // A newly queued action goes out at once while connected.
    this.unsubscribe = journal.onChange((c) => {
      if (c.kind === 'enqueued' && this.online) this.flush();
    });
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** The event the connection belongs to (from the hub's welcome). */
  setEventId(eventId: string | undefined): void {
    this.eventId = eventId;
  }

  /**
   * Connected: sends unsettled actions in order until the window is full or `send` refuses
   * (socket closed or backpressure; call flush again on drain). Returns how many it sent.
   */
  flush(): number {
    this.online = true;
    const room = this.maxInFlight - this.inFlight.size;
    if (room <= 0) return 0;
    // In-flight actions are the oldest unsettled ones (we send in order), so the next
    // `room` to send are among the first maxInFlight pending.
    const candidates = this.journal.pending({ eventId: this.eventId, limit: this.maxInFlight });
    let sent = 0;
    for (const item of candidates) {
      if (this.inFlight.has(item.id)) continue;
      if (this.inFlight.size >= this.maxInFlight) break;
      if (!this.send({ t: 'pub', id: item.id, name: item.name, data: item.data })) break;
      this.inFlight.add(item.id);
      this.journal.markSent(item.id);
      sent++;
    }
    return sent;
  }

  onAck(frame: AckFrame): void {
    this.inFlight.delete(frame.id);
    // The write's failure (disk gone) reaches the UI through journal.onChange({kind:'error'}).
    this.journal.markAcked(frame).catch(() => undefined);
    if (this.online) this.flush();
  }

  onNack(frame: NackFrame): void {
    this.inFlight.delete(frame.id);
    this.journal.markFailed(frame).catch(() => undefined);
    if (this.online) this.flush();
  }

  /** Forget what was in flight: after reconnecting, flush() resends all of it, same ids. */
  onDisconnect(): void {
    this.online = false;
    this.inFlight.clear();
    this.journal.clearSent();
  }

  dispose(): void {
    this.onDisconnect();
    this.unsubscribe();
  }
}
