/**
 * Issue 6, item 3: the audience outbox (localStorage) under the shared client's publisher. Ids
 * are minted and stored before anything is sent; after a drop or a reload the same records go
 * out again with the same ids; acks (first or dup) finish them; per-thing order holds.
 */
import { describe, expect, it } from 'vitest';
import { orderKey, Outbox, type AudienceAction, type KeyValueStore, type OutboxRecord } from '../../src/audience/lib/outbox';
import { Publisher, type OutboxItem } from '../../src/shared/client';
import type { AckFrame, WelcomeFrame } from '../../src/shared/protocol';
import { FakeClock, welcomeFrame } from '../client/fakes';

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
const WELCOME = welcomeFrame({ role: 'audience', limits: { maxFrameBytes: 65536, ratePerSec: 20, syncHz: 10 } }) as unknown as WelcomeFrame;
const stored = (s: MemoryStorage): OutboxRecord[] => (JSON.parse(s.getItem(KEY) ?? '{"records":[]}') as { records: OutboxRecord[] }).records;
const ack = (id: string, extra: Partial<AckFrame> = {}): AckFrame => ({ t: 'ack', id, serial: 7, applied: true, ...extra });

/** The phone's outbox with the client's publisher on a fake clock; `wire` is what went out. */
function phone(storage: MemoryStorage | null = new MemoryStorage()) {
  const box = new Outbox(storage, KEY, 'aud_1', () => 1);
  const clock = new FakeClock();
  const wire: OutboxItem[] = [];
  const pub = new Publisher({ store: box, clock, send: (i) => (wire.push(i), true), window: 8 });
  const add = (name: AudienceAction, data: Record<string, unknown>): string => {
    const id = box.nextId();
    pub.publish({ id, name, data, key: orderKey({ id, name, data }) }).catch(() => undefined);
    return id;
  };
  return { box, pub, clock, wire, add, storage, ids: () => wire.map((w) => w.id) };
}

describe('audience Outbox', () => {
  it('I6 stores the action with its id before it is sent, and marks it sent when it is', async () => {
    const p = phone();
    const id = p.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    expect(id).toMatch(/^aud_1:1\.[0-9a-f]{8}$/);
    await Promise.resolve();
    expect(stored(p.storage!)).toEqual([expect.objectContaining({ id, state: 'queued' })]);
    p.pub.onWelcome(WELCOME);
    expect(p.ids()).toEqual([id]);
    expect(stored(p.storage!)[0]?.state).toBe('sent');
  });

  it('I6 a reload resends unacked records with their original ids, in order, and keeps counting ids up', async () => {
    const first = phone();
    const a = first.add('question.ask', { questionId: 'q1', text: 'Hello?' });
    const b = first.add('vote.cast', { pollId: 'p1', optionIds: ['x'] });
    await Promise.resolve();
    first.pub.onWelcome(WELCOME); // both on the wire, then the tab dies before any ack
    const again = phone(first.storage);
    expect(again.box.records.map((r) => r.state)).toEqual(['queued', 'queued']);
    again.pub.onWelcome(WELCOME);
    expect(again.ids()).toEqual([a, b]);
    expect(again.box.nextId()).toMatch(/^aud_1:3\./);
  });

  it('I6 an ack counts, a dup ack counts too, applied:false is refused with its reason, a benign reason counts', async () => {
    const p = phone(null);
    const a = p.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    const b = p.add('question.upvote', { questionId: 'q1' });
    const c = p.add('vote.cast', { pollId: 'p2', optionIds: ['a'] });
    const d = p.add('question.upvote', { questionId: 'q2' });
    await Promise.resolve();
    p.pub.onWelcome(WELCOME);
    p.pub.onAck(ack(a));
    p.pub.onAck(ack(b, { dup: true }));
    p.pub.onAck(ack(c, { applied: false, reason: 'poll_not_open' }));
    p.pub.onAck(ack(d, { applied: false, reason: 'already_upvoted' }));
    expect(p.box.records.map((r) => [r.state, r.reason])).toEqual([
      ['acked', null],
      ['acked', null],
      ['refused', 'poll_not_open'],
      ['acked', null],
    ]);
    expect(p.box.pendingCount).toBe(0);
  });

  it('I6 a dropped link puts what was sent back in the queue: the same ids go out again', async () => {
    const p = phone(null);
    const a = p.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    await Promise.resolve();
    p.pub.onWelcome(WELCOME);
    p.pub.onDisconnect();
    expect(p.box.records[0]?.state).toBe('queued');
    p.pub.onWelcome(WELCOME);
    expect(p.ids()).toEqual([a, a]);
  });

  it('I6 actions on the same poll go one at a time, in the order made; others do not wait', async () => {
    const p = phone(null);
    const v1 = p.add('vote.cast', { pollId: 'p1', optionIds: ['a'] });
    const v2 = p.add('vote.cast', { pollId: 'p1', optionIds: ['b'] });
    const q = p.add('question.ask', { questionId: 'q1', text: 'Hi' });
    await Promise.resolve();
    p.pub.onWelcome(WELCOME);
    expect(p.ids()).toEqual([v1, q]);
    p.pub.onAck(ack(v1));
    expect(p.ids()).toEqual([v1, q, v2]);
  });

  it('I6 the window bounds what is on the wire at once', async () => {
    const p = phone(null);
    const ids = Array.from({ length: 12 }, (_, i) => p.add('question.ask', { questionId: `q${i}`, text: 'x' }));
    await Promise.resolve();
    // A rate that never holds it back, so only the window does (P24's audience 20/s allows a burst of 7).
    p.pub.onWelcome({ ...WELCOME, limits: { ...WELCOME.limits, ratePerSec: 1_000 } });
    expect(p.wire).toHaveLength(8);
    p.pub.onAck(ack(ids[0]!));
    expect(p.wire).toHaveLength(9);
  });

  it('I6 a corrupt or foreign storage entry never breaks the page; an old "counted" record reads as acked', () => {
    const s = new MemoryStorage();
    s.setItem(KEY, '{not json');
    expect(new Outbox(s, KEY, 'aud_1').records).toEqual([]);
    s.setItem(KEY, JSON.stringify({ seq: 3, records: [{ id: 1 }, null, { id: 'x', name: 'evil', state: 'queued', data: {}, createdAt: 1 }] }));
    expect(new Outbox(s, KEY, 'aud_1').records).toEqual([]);
    s.setItem(KEY, JSON.stringify({ seq: 1, records: [{ id: 'aud_1:1.00', name: 'vote.cast', state: 'counted', data: { pollId: 'p' }, createdAt: 1, reason: null, serial: 3 }] }));
    expect(new Outbox(s, KEY, 'aud_1').records.map((r) => r.state)).toEqual(['acked']);
  });

  it('a phone left offline cannot queue without bound: past 500 waiting, publishing is refused', () => {
    const box = new Outbox(null, KEY, 'aud_1');
    for (let i = 0; i < 500; i++) box.add({ id: `i${i}`, name: 'question.ask', data: { questionId: `q${i}`, text: 'x' } });
    expect(() => box.add({ id: 'one-more', name: 'question.ask', data: {} })).toThrow(/500 actions/);
  });
});
