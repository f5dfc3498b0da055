/**
 * The shared client's publisher over the console's journal (JournalOutbox): order,
 * pipelining, resends with original ids after a disconnect or a restart, dup acks, nacks never
 * resent. The test plays the hub: `send` records the pubs it was given and the test answers
 * with ack/nack frames.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Publisher, type OutboxItem } from '../../src/shared/client';
import type { AckFrame, NackFrame, WelcomeFrame } from '../../src/shared/protocol/frames';
import { Journal } from '../../src/main/core/journal/journal';
import { JournalOutbox } from '../../src/main/core/journal-outbox';
import { FakeClock, welcomeFrame } from '../client/fakes';

const dirs: string[] = [];
const journals: Journal[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const j of journals.splice(0)) await j.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A welcome whose rate never holds the test back: the window is what is under test. */
const WELCOME = welcomeFrame({ limits: { maxFrameBytes: 65536, ratePerSec: 1_000_000, syncHz: 10 } }) as unknown as WelcomeFrame;

/** The publisher as the client drives it; `flush` goes online (a welcome) and reports how many went out. */
class Wire {
  readonly publisher: Publisher;
  constructor(
    store: JournalOutbox,
    send: (item: OutboxItem) => boolean,
    window: number,
  ) {
    this.publisher = new Publisher({ store, clock: new FakeClock(), send, window });
  }
  flush(sent: () => number): number {
    const before = sent();
    this.publisher.onWelcome(WELCOME);
    return sent() - before;
  }
  onAck(f: AckFrame): void {
    this.publisher.onAck(f);
  }
  onNack(f: NackFrame): void {
    this.publisher.onNack(f);
  }
  onDisconnect(): void {
    this.publisher.onDisconnect();
  }
  get inFlightCount(): number {
    return this.publisher.inFlightCount;
  }
}

async function setup(dir = tmpDir(), opts: { maxInFlight?: number; eventId?: string } = {}) {
  const journal = await Journal.open(dir, { consoleId: 'c' });
  journals.push(journal);
  const wire: OutboxItem[] = [];
  let open = true;
  const w = new Wire(new JournalOutbox(journal, opts.eventId ?? 'ev'), (f) => (open ? (wire.push(f), true) : false), opts.maxInFlight ?? 50);
  // A newly journaled action goes out at once while connected (hub-session.ts wires the same).
  journal.onChange((c) => c.kind === 'enqueued' && w.publisher.flush());
  const outbox = { ...w, flush: () => w.flush(() => wire.length), onAck: (f: AckFrame) => w.onAck(f), onNack: (f: NackFrame) => w.onNack(f), onDisconnect: () => w.onDisconnect(), get inFlightCount() { return w.inFlightCount; } };
  return { dir, journal, outbox, wire, setOpen: (v: boolean) => (open = v) };
}
const ids = (frames: OutboxItem[]): string[] => frames.map((f) => f.id);
const range = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `c:${from + i}`);
const ackFor = (id: string, dup = false) => ({ t: 'ack', id, serial: Number(id.split(':')[1]), applied: true, dup }) as const;

describe('JournalOutbox under the publisher', () => {
  it('sends queued actions in order, pipelined up to the window, the next ones as acks arrive', async () => {
    const { journal, outbox, wire } = await setup(undefined, { maxInFlight: 50 });
    for (let i = 1; i <= 120; i++) await journal.enqueue('ev', 'chat.send', { i });
    expect(outbox.flush()).toBe(50);
    expect(ids(wire)).toEqual(range(1, 50));
    expect(wire[0]).toEqual({ id: 'c:1', name: 'chat.send', data: { i: 1 } });
    for (const f of wire.slice(0, 10)) outbox.onAck(ackFor(f.id));
    expect(ids(wire)).toEqual(range(1, 60));
    expect(outbox.inFlightCount).toBe(50);
    while (journal.pending().length) {
      const next = wire.find((f) => journal.pending().some((p) => p.id === f.id));
      outbox.onAck(ackFor(next!.id));
    }
    expect(ids(wire)).toEqual(range(1, 120)); // each exactly once, in order
    expect(journal.recent(200).every((r) => r.state === 'acked')).toBe(true);
  });

  it('P14: after a disconnect, resends every unsettled action with its original id, in the original order', async () => {
    const { journal, outbox, wire } = await setup(undefined, { maxInFlight: 10 });
    for (let i = 1; i <= 8; i++) await journal.enqueue('ev', 'chat.send', { i });
    outbox.flush();
    outbox.onAck(ackFor('c:1'));
    outbox.onAck(ackFor('c:3')); // acks may settle out of order
    expect(journal.recent().find((r) => r.id === 'c:2')?.state).toBe('sent');
    outbox.onDisconnect();
    expect(journal.recent().find((r) => r.id === 'c:2')?.state).toBe('queued');
    wire.length = 0;
    outbox.flush();
    expect(ids(wire)).toEqual(['c:2', 'c:4', 'c:5', 'c:6', 'c:7', 'c:8']);
    expect(wire.map((f) => f.data)).toEqual([2, 4, 5, 6, 7, 8].map((i) => ({ i })));
  });

  it('P14: a dup ack settles the action (the hub had it already)', async () => {
    const { journal, outbox, wire } = await setup();
    await journal.enqueue('ev', 'poll.open', { pollId: 'p' });
    outbox.flush();
    outbox.onDisconnect(); // the ack was lost with the connection
    outbox.flush();
    expect(ids(wire)).toEqual(['c:1', 'c:1']);
    outbox.onAck(ackFor('c:1', true));
    expect(journal.pending()).toEqual([]);
    expect(journal.recent()[0]).toMatchObject({ id: 'c:1', state: 'acked', dup: true });
  });

  it('P13: a nack settles the action as failed with its reason, and it is never resent', async () => {
    const { dir, journal, outbox, wire } = await setup();
    for (let i = 1; i <= 3; i++) await journal.enqueue('ev', 'poll.open', { i });
    outbox.flush();
    outbox.onNack({ t: 'nack', id: 'c:2', code: 'forbidden', message: 'only the host may open polls' });
    outbox.onDisconnect();
    wire.length = 0;
    outbox.flush();
    expect(ids(wire)).toEqual(['c:1', 'c:3']);
    expect(journal.recent().find((r) => r.id === 'c:2')).toMatchObject({ state: 'failed', code: 'forbidden', reason: 'only the host may open polls' });
    // and not after a restart either
    await journal.close();
    journals.length = 0;
    const j2 = await Journal.open(dir);
    journals.push(j2);
    expect(j2.pending().map((p) => p.id)).toEqual(['c:1', 'c:3']);
  });

  it('P14: after a restart, resends unacked actions with their original ids, and new ids continue the sequence', async () => {
    const first = await setup();
    for (let i = 1; i <= 4; i++) await first.journal.enqueue('ev', 'chat.send', { i });
    first.outbox.flush();
    first.outbox.onAck(ackFor('c:1'));
    await first.journal.close(); // the app quits (or crashes: see crash.test.ts) with 3 unacked
    journals.length = 0;
    const second = await setup(first.dir);
    second.outbox.flush();
    expect(ids(second.wire)).toEqual(['c:2', 'c:3', 'c:4']);
    const next = await second.journal.enqueue('ev', 'chat.send', { i: 5 });
    expect(next.id).toBe('c:5');
    expect(ids(second.wire)).toEqual(['c:2', 'c:3', 'c:4', 'c:5']); // sent at once: connected
  });

  it('stops when send refuses (socket closed or backpressure) and resumes on the next flush', async () => {
    const { journal, outbox, wire, setOpen } = await setup();
    for (let i = 1; i <= 3; i++) await journal.enqueue('ev', 'chat.send', { i });
    setOpen(false);
    expect(outbox.flush()).toBe(0);
    expect(journal.recent().every((r) => r.state === 'queued')).toBe(true);
    setOpen(true);
    expect(outbox.flush()).toBe(3);
    expect(ids(wire)).toEqual(['c:1', 'c:2', 'c:3']);
  });

  it("while disconnected, new actions wait in the journal; only the connection's event is sent", async () => {
    const { journal, outbox, wire } = await setup(undefined, { eventId: 'ev-b' });
    await journal.enqueue('ev-a', 'chat.send', {});
    await journal.enqueue('ev-b', 'chat.send', {});
    expect(wire).toEqual([]); // never flushed: offline
    outbox.flush();
    expect(ids(wire)).toEqual(['c:2']);
    outbox.onDisconnect();
    await journal.enqueue('ev-b', 'chat.send', {});
    expect(ids(wire)).toEqual(['c:2']);
    expect(journal.pending().map((p) => p.id)).toEqual(['c:1', 'c:2', 'c:3']);
  });

  it('P14 an action journaled with its own id keeps it, and the same id twice is one action', async () => {
    const { journal } = await setup();
    const store = new JournalOutbox(journal, 'ev');
    await store.add({ id: 'sdk-1', name: 'chat.send', data: { i: 1 } });
    await store.add({ id: 'sdk-1', name: 'chat.send', data: { i: 1 } });
    expect(journal.pending().map((p) => p.id)).toEqual(['sdk-1']);
  });
});
