/**
 * The console's journal as the shared client's outbox (src/shared/client/outbox.ts): actions
 * are fsynced by the journal before they count as queued, go out in queue order with the id
 * they were journaled with, and settle as acked or failed there, so a resend after a
 * reconnect, a restart or a crash is a duplicate the hub recognises (P14). Only the actions
 * of the connection's event are sent.
 */
import type { OutboxItem, OutboxStore, PubOutcome } from '../../shared/client';
import type { Journal } from './journal';

export type OutboxJournal = Pick<Journal, 'pending' | 'enqueue' | 'markSent' | 'clearSent' | 'markAcked' | 'markFailed'>;

export class JournalOutbox implements OutboxStore {
  constructor(
    private readonly journal: OutboxJournal,
    private readonly eventId: string,
    /** Told when an action goes on the wire (the console times acks from it). */
    private readonly onSent: (id: string) => void = () => undefined,
  ) {}

  pending(limit: number): readonly OutboxItem[] {
    return this.journal.pending({ eventId: this.eventId, limit }).map((i) => ({ id: i.id, name: i.name, data: i.data }));
  }

  async add(item: OutboxItem): Promise<void> {
    await this.journal.enqueue(this.eventId, item.name, item.data, item.id);
  }

  sent(id: string): void {
    this.onSent(id);
    this.journal.markSent(id);
  }

  unsent(): void {
    this.journal.clearSent();
  }

  async settle(_id: string, outcome: PubOutcome): Promise<void> {
    // A write failure (disk gone) reaches the UI through journal.onChange({kind:'error'}).
    if (outcome.ok) await this.journal.markAcked(outcome.ack);
    else await this.journal.markFailed(outcome.nack);
  }
}
