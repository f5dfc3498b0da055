/**
 * Issue 6, item 3: the audience outbox. Ids are minted and stored before anything is sent;
 * after a drop or a reload the same records go out again with the same ids; acks (first or
 * dup) finish them; per-thing order holds.
 */
import { describe, expect, it } from 'vitest';
import { Outbox, type KeyValueStore, type OutboxRecord } from '../../src/audience/lib/outbox';
import type { AckFrame } from '../../src/shared/protocol';

class MemoryStorage implements KeyValueStore {
  readonly map = new Map<string, string>();
  getItem(k: string): string | null {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.map.set(k, v);
  }
}

const KEY = 'stagecall.outbox.evt.aud_1';
const stored = (s: MemoryStorage): OutboxRecord[] => (JSON.parse(s.getItem(KEY) ?? '{"records":[]}') as { records: OutboxRecord[] }).records;
const ack = (id: string, extra: Partial<AckFrame> = {}): AckFrame => ({ t: 'ack', id, serial: 7, applied: true, ...extra });

describe('Outbox', () => {
  it('I6 stores the action with its id before it is sent', () => {
    const s = new MemoryStorage();
    const box = new Outbox(s, KEY, 'aud_1');
    const rec = box.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    expect(rec.id).toMatch(/^aud_1:1\.[0-9a-f]{8}$/);
    expect(stored(s)).toEqual([expect.objectContaining({ id: rec.id, state: 'queued' })]);
    const [sent] = box.takeSendable(8);
    expect(sent?.id).toBe(rec.id);
    expect(stored(s)[0]?.state).toBe('sent'); // marked before the caller puts it on the wire
  });

  it('I6 a reload resends unacked records with their original ids, in order, and keeps counting ids up', () => {
    const s = new MemoryStorage();
    const first = new Outbox(s, KEY, 'aud_1');
    const a = first.add('question.ask', { questionId: 'q1', text: 'Hello?' });
    const b = first.add('vote.cast', { pollId: 'p1', optionIds: ['x'] });
    first.takeSendable(8); // both on the wire, then the tab dies before any ack
    const again = new Outbox(s, KEY, 'aud_1');
    expect(again.takeSendable(8).map((r) => r.id)).toEqual([a.id, b.id]);
    expect(again.add('question.upvote', { questionId: 'q1' }).id).toMatch(/^aud_1:3\./);
  });

  it('I6 an ack counts, a dup ack counts too, applied:false is refused with its reason', () => {
    const box = new Outbox(null, KEY, 'aud_1');
    const a = box.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    const b = box.add('question.upvote', { questionId: 'q1' });
    const c = box.add('vote.cast', { pollId: 'p2', optionIds: ['a'] });
    box.takeSendable(8);
    box.onAck(ack(a.id));
    box.onAck(ack(b.id, { dup: true }));
    box.onAck(ack(c.id, { applied: false, reason: 'poll_not_open' }));
    expect(box.records.map((r) => [r.state, r.reason])).toEqual([
      ['counted', null],
      ['counted', null],
      ['refused', 'poll_not_open'],
    ]);
    expect(box.pendingCount).toBe(0);
    expect(box.takeSendable(8)).toEqual([]);
  });

  it('I6 a dropped link releases what was in flight: the same ids go out again', () => {
    const box = new Outbox(null, KEY, 'aud_1');
    const a = box.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    expect(box.takeSendable(8).map((r) => r.id)).toEqual([a.id]);
    expect(box.takeSendable(8)).toEqual([]); // in flight: not sent twice on one connection
    box.releaseInFlight();
    expect(box.takeSendable(8).map((r) => r.id)).toEqual([a.id]);
  });

  it('I6 actions on the same poll go one at a time, in the order made; others do not wait', () => {
    const box = new Outbox(null, KEY, 'aud_1');
    const v1 = box.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    const v2 = box.add('vote.cast', { pollId: 'p1', optionIds: ['b'] });
    const q = box.add('question.ask', { questionId: 'q1', text: 'Hi' });
    expect(box.takeSendable(8).map((r) => r.id)).toEqual([v1.id, q.id]);
    box.onAck(ack(v1.id));
    expect(box.takeSendable(8).map((r) => r.id)).toEqual([v2.id]);
  });

  it('I6 rate_limited is retried later with the same id; invalid is refused', () => {
    const box = new Outbox(null, KEY, 'aud_1');
    const a = box.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    const b = box.add('question.ask', { questionId: 'q1', text: 'Hi' });
    box.takeSendable(8, 1_000);
    box.onNack({ t: 'nack', id: a.id, code: 'rate_limited', message: 'slow down' }, 1_000);
    box.onNack({ t: 'nack', id: b.id, code: 'invalid', message: 'bad' }, 1_000);
    expect(box.takeSendable(8, 1_100)).toEqual([]);
    expect(box.nextWakeAt()).toBeGreaterThan(1_100);
    expect(box.takeSendable(8, 5_000).map((r) => r.id)).toEqual([a.id]);
    expect(box.records.find((r) => r.id === b.id)?.state).toBe('refused');
  });

  it('I6 the window bounds what is on the wire at once', () => {
    const box = new Outbox(null, KEY, 'aud_1');
    for (let i = 0; i < 12; i++) box.add('question.ask', { questionId: `q${i}`, text: 'x' });
    const first = box.takeSendable(8);
    expect(first).toHaveLength(8);
    expect(box.takeSendable(8)).toEqual([]);
    box.onAck(ack(first[0]?.id ?? ''));
    expect(box.takeSendable(8)).toHaveLength(1);
  });

  it('I6 a corrupt or foreign storage entry never breaks the page', () => {
    const s = new MemoryStorage();
    s.setItem(KEY, '{not json');
    expect(new Outbox(s, KEY, 'aud_1').records).toEqual([]);
    s.setItem(KEY, JSON.stringify({ seq: 3, records: [{ id: 1 }, null, { id: 'x', name: 'evil', state: 'queued', data: {}, createdAt: 1 }] }));
    expect(new Outbox(s, KEY, 'aud_1').records).toEqual([]);
  });
});
