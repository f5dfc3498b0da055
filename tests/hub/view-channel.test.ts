/**
 * P19 and the backpressure bound (docs/protocol-notes.md 17), on the real ViewChannel and the
 * real domain: a subscriber whose socket is backed up is skipped (conflated, never queued),
 * catches up with one patch from its own base, and is closed once stuck past the bound.
 * The subscriber stands in for a socket only: its buffered bytes are what the test sets.
 */
import { describe, expect, it } from 'vitest';
import { apply, initialState, staffView, type EventState } from '../../src/shared/domain';
import { applyPatch } from '../../src/shared/json-patch';
import type { Subscriber } from '../../src/hub/subscriber';
import { DEFER_ANSWER_BYTES, HIGH_WATER_BYTES, STUCK_MS, ViewChannel } from '../../src/hub/view-channel';
import type { PreparedFrame } from '../../src/hub/ws/prepared-frame';

class Peer implements Subscriber {
  readonly connectionId = 'conn';
  readonly clientId = 'c';
  readonly role = 'producer' as const;
  readonly watching = 'room' as const;
  buffered = 0;
  closedFor: string | null = null;
  frames: Array<{ serial: number; base?: number; snapshot?: unknown; patch?: [] }> = [];
  doc: unknown = null;
  serial = -1;

  private take(buf: Buffer): boolean {
    const f = JSON.parse(buf.toString()) as { serial: number; base?: number; snapshot?: unknown; patch?: [] };
    this.frames.push(f);
    if (f.snapshot !== undefined) this.doc = f.snapshot;
    else {
      expect(f.base).toBe(this.serial); // P19: every patch starts where this peer is
      const r = applyPatch(this.doc, f.patch ?? []);
      if (!r.ok) throw new Error(r.error);
      this.doc = r.doc;
    }
    this.serial = f.serial;
    return true;
  }
  raw: Buffer[] = [];
  sendRaw(frame: Buffer): boolean {
    this.raw.push(frame);
    return this.take(frame);
  }
  sendPrepared(frame: PreparedFrame): boolean {
    return this.take(frame.data);
  }
  bufferedAmount(): number {
    return this.buffered;
  }
  closeSlow(reason: string): void {
    this.closedFor = reason;
  }
}

function world() {
  let state: EventState = initialState({ eventId: 'e', title: 'T', createdAt: 0 });
  let serial = 0;
  const ch = new ViewChannel('staff', () => staffView(state), () => 'epoch-1', () => serial);
  const chat = (text: string): void => {
    serial++;
    state = apply(state, { serial, ts: serial * 1000, clientId: 'h', role: 'host', name: 'chat.send', id: `m${serial}`, data: { messageId: `m${serial}`, text } }).state;
  };
  return { ch, chat, now: () => serial * 100, doc: () => staffView(state) };
}

describe('view channel backpressure', () => {
  it('P19 a backed-up subscriber is skipped, not queued, then catches up with one patch from its own base', () => {
    const w = world();
    const fast = new Peer();
    const slow = new Peer();
    w.ch.subscribe(fast);
    w.ch.subscribe(slow);
    slow.buffered = HIGH_WATER_BYTES + 1;
    for (let i = 0; i < 20; i++) {
      w.chat(`message ${i}`);
      w.ch.flush(w.now());
    }
    expect(fast.frames).toHaveLength(21); // snapshot + one patch per tick
    expect(slow.frames).toHaveLength(1); // only the snapshot: nothing queued for it
    slow.buffered = 0;
    w.ch.flush(w.now());
    expect(slow.frames).toHaveLength(2);
    expect(slow.frames[1]?.base).toBe(slow.frames[0]?.serial);
    expect(slow.doc).toEqual(w.doc());
    expect(fast.doc).toEqual(w.doc());
  });

  it(`closes a subscriber stuck above ${HIGH_WATER_BYTES} bytes for longer than ${STUCK_MS / 1000} s, and only then`, () => {
    const w = world();
    const slow = new Peer();
    w.ch.subscribe(slow);
    slow.buffered = HIGH_WATER_BYTES * 2;
    w.chat('first');
    w.ch.flush(1_000);
    w.chat('second');
    w.ch.flush(1_000 + STUCK_MS - 1);
    expect(slow.closedFor).toBeNull();
    w.chat('third');
    w.ch.flush(1_000 + STUCK_MS + 1);
    expect(slow.closedFor).toMatch(/sync backlog/);
  });

  it('a subscriber that drains in time is not closed, and its stuck clock restarts', () => {
    const w = world();
    const peer = new Peer();
    w.ch.subscribe(peer);
    // Start away from 0: the hub's clock is wall time, and 0 would hide a missing restart.
    const t0 = 5_000;
    peer.buffered = HIGH_WATER_BYTES * 2;
    w.chat('a');
    w.ch.flush(t0);
    peer.buffered = 0;
    w.chat('b');
    w.ch.flush(t0 + STUCK_MS - 10); // drained in time: the stuck clock must restart here
    peer.buffered = HIGH_WATER_BYTES * 2;
    w.chat('c');
    w.ch.flush(t0 + STUCK_MS + 10); // stuck again, counted from now, not from t0
    w.chat('d');
    w.ch.flush(t0 + 2 * STUCK_MS);
    expect(peer.closedFor).toBeNull();
    w.chat('e');
    w.ch.flush(t0 + 2 * STUCK_MS + 20); // more than STUCK_MS since it got stuck again
    expect(peer.closedFor).toMatch(/sync backlog/);
  });

  it('#15.4 a reconnect storm is answered from one serialisation per (base, target), and every answer lands on the same state', () => {
    const w = world();
    const first = new Peer();
    w.ch.subscribe(first);
    w.chat('one');
    w.ch.flush(w.now());
    const base = first.serial;
    const held = structuredClone(first.doc); // what a client that saw `base` holds
    w.chat('two');
    w.ch.flush(w.now());
    const fresh = Array.from({ length: 100 }, () => new Peer());
    const resuming = Array.from({ length: 100 }, () => Object.assign(new Peer(), { doc: structuredClone(held), serial: base }));
    for (const p of fresh) w.ch.subscribe(p);
    for (const p of resuming) w.ch.subscribe(p, base, 'epoch-1');
    expect(new Set(fresh.map((p) => p.raw[0])).size).toBe(1); // one snapshot buffer for all
    expect(new Set(resuming.map((p) => p.raw[0])).size).toBe(1); // one patch buffer for all
    expect(resuming[0]?.frames[0]?.patch).toBeDefined();
    for (const p of [...fresh, ...resuming]) expect(p.doc).toEqual(w.doc());
  });

  it('P33 repeated subs from a socket that has not drained collapse into one pending answer, sent once it drains', () => {
    const w = world();
    const peer = new Peer();
    w.ch.subscribe(peer);
    expect(peer.frames).toHaveLength(1);
    peer.buffered = DEFER_ANSWER_BYTES + 1;
    for (let i = 0; i < 50; i++) {
      w.ch.subscribe(peer); // a client re-sending sub 18 times a second and never reading
      if (i % 10 === 0) w.chat(`m${i}`);
      w.ch.flush(w.now());
    }
    expect(peer.frames).toHaveLength(1); // nothing queued meanwhile
    peer.buffered = 0;
    w.ch.flush(w.now());
    expect(peer.frames).toHaveLength(2); // one answer for fifty subs: the current snapshot
    expect(peer.frames[1]?.snapshot).toBeDefined();
    expect(peer.doc).toEqual(w.doc());
    w.chat('after');
    w.ch.flush(w.now());
    expect(peer.frames[2]?.base).toBe(peer.frames[1]?.serial); // and it is a subscriber again
  });

  it('P33 a pending answer that waits past the stuck bound closes the socket', () => {
    const w = world();
    const peer = new Peer();
    peer.buffered = DEFER_ANSWER_BYTES * 4;
    w.ch.subscribe(peer);
    w.ch.flush(1_000);
    w.ch.flush(1_000 + STUCK_MS + 1);
    expect(peer.frames).toHaveLength(0);
    expect(peer.closedFor).toMatch(/waited/);
  });
});
