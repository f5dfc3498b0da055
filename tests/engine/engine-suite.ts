/**
 * Behaviour every engine must have (DESIGN.md "Engine interface"; P14, P15, P16, P17).
 * Uses only the Engine interface, plus an optional restart hook, so the Redis engine runs
 * the very same file. Each test gets a fresh engine from makeEngine.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendInput, AppendOutcome, Engine, EventMeta } from '../../src/hub/engine/engine';
import type { LogEntry } from '../../src/shared/domain/types';
import { waitUntil } from '../helpers/wait';

export interface EngineHarness {
  engine: Engine;
  /** Closes the current engine (the last one restart returned) and removes its data. */
  cleanup: () => Promise<void>;
  /** Closes the engine and opens a new one over the same stored data. */
  restart?: () => Promise<Engine>;
}

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
let made = 0;

function joinCode(): string {
  let n = made * 7919 + Math.floor(Math.random() * 1e6);
  let s = '';
  for (let i = 0; i < 6; i++, n = Math.floor(n / CODE_ALPHABET.length)) s += CODE_ALPHABET[n % CODE_ALPHABET.length];
  return s;
}

async function newEvent(engine: Engine, title = 'suite event'): Promise<EventMeta> {
  made++;
  const meta: EventMeta = { eventId: `ev-${made}-${Math.random().toString(36).slice(2, 8)}`, title, joinCode: joinCode(), createdAt: Date.now() + made };
  await engine.createEvent(meta);
  return meta;
}

const entry = (clientId: string, id: string, data: unknown = { pollId: 'p1', optionIds: ['a'] }): AppendInput => ({
  ts: 1_760_000_000_000,
  clientId,
  id,
  name: 'vote.cast',
  role: 'audience',
  data,
});

async function readAll(engine: Engine, eventId: string): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (;;) {
    const page = await engine.read(eventId, out.length + 1, 500);
    if (page.length === 0) return out;
    out.push(...page);
  }
}

const serialsOf = (entries: LogEntry[]): number[] => entries.map((e) => e.serial);
const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** A tail that records everything it is handed. */
function recordTail(engine: Engine, eventId: string, from: number): { got: LogEntry[]; calls: number; stop: () => void } {
  const rec = { got: [] as LogEntry[], calls: 0, stop: () => {} };
  rec.stop = engine.tail(eventId, from, (entries) => {
    rec.calls++;
    rec.got.push(...entries);
  });
  return rec;
}

export function engineSuite(name: string, makeEngine: () => Promise<EngineHarness>): void {
  describe(`engine suite: ${name}`, () => {
    let h: EngineHarness;
    let engine: Engine;
    const restart = async (): Promise<boolean> => {
      if (!h.restart) return false;
      engine = await h.restart();
      return true;
    };

    beforeEach(async () => {
      h = await makeEngine();
      engine = h.engine;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('P8 the token-signing secret is random, long, and the same on every call and after a restart', async () => {
      const secret = await engine.tokenSecret();
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(await engine.tokenSecret()).toBe(secret);
      if (await restart()) expect(await engine.tokenSecret()).toBe(secret);
    });

    it('P32 a revocation is refused from then on, heard by listeners, kept across a restart, and lapses at until', async () => {
      const ev = await newEvent(engine);
      const heard: Array<{ eventId: string; clientId: string }> = [];
      const stop = engine.onRevoked((r) => heard.push({ eventId: r.eventId, clientId: r.clientId }));
      expect(await engine.isRevoked(ev.eventId, 'aud_x')).toBe(false);
      await engine.revoke({ eventId: ev.eventId, clientId: 'aud_x', until: Date.now() + 3_600_000 });
      await engine.revoke({ eventId: ev.eventId, clientId: 'aud_lapsed', until: Date.now() - 1 });
      stop();
      expect(heard).toContainEqual({ eventId: ev.eventId, clientId: 'aud_x' });
      expect(await engine.isRevoked(ev.eventId, 'aud_x')).toBe(true);
      expect(await engine.isRevoked(ev.eventId, 'aud_y')).toBe(false);
      expect(await engine.isRevoked('another-event', 'aud_x')).toBe(false);
      expect(await engine.isRevoked(ev.eventId, 'aud_lapsed')).toBe(false);
      if (await restart()) expect(await engine.isRevoked(ev.eventId, 'aud_x')).toBe(true);
    });

    it('P15 a new event has lastSerial 0 and an epoch; events number their serials independently', async () => {
      const a = await newEvent(engine);
      const b = await newEvent(engine);
      const info = await engine.info(a.eventId);
      expect(info.lastSerial).toBe(0);
      expect(typeof info.epoch).toBe('string');
      expect(info.epoch.length).toBeGreaterThan(0);
      await engine.append(a.eventId, [entry('c1', '1'), entry('c1', '2'), entry('c1', '3')]);
      expect(await engine.append(b.eventId, [entry('c1', '1')])).toEqual([{ serial: 1, dup: false }]);
      expect((await engine.info(a.eventId)).lastSerial).toBe(3);
    });

    it('P15 serials are gapless from 1 under concurrent appends from many callers; each call is in order', async () => {
      const ev = await newEvent(engine);
      const callers = 40;
      const calls = 15;
      const perCaller = await Promise.all(
        Array.from({ length: callers }, async (_, c) => {
          const mine: Array<{ inputs: AppendInput[]; out: AppendOutcome[] }> = [];
          const one = async (k: number): Promise<void> => {
            const inputs = Array.from({ length: ((c + k) % 3) + 1 }, (_, j) => entry(`client-${c}`, `m${k}-${j}`, { c, k, j }));
            mine.push({ inputs, out: await engine.append(ev.eventId, inputs) });
          };
          // Half the callers await each call, half fire all calls at once.
          if (c % 2 === 0) for (let k = 0; k < calls; k++) await one(k);
          else await Promise.all(range(0, calls - 1).map(one));
          return mine;
        }),
      );
      const bySerial = new Map<number, AppendInput>();
      for (const mine of perCaller) {
        for (const { inputs, out } of mine) {
          expect(out).toHaveLength(inputs.length);
          out.forEach((o, i) => {
            expect(o.dup).toBe(false);
            if (i > 0) expect(o.serial).toBe((out[i - 1] as AppendOutcome).serial + 1);
            bySerial.set(o.serial, inputs[i] as AppendInput);
          });
        }
      }
      const n = bySerial.size;
      expect([...bySerial.keys()].sort((x, y) => x - y)).toEqual(range(1, n));
      expect((await engine.info(ev.eventId)).lastSerial).toBe(n);
      const log = await readAll(engine, ev.eventId);
      expect(serialsOf(log)).toEqual(range(1, n));
      for (const e of log) expect(e).toEqual({ ...bySerial.get(e.serial), serial: e.serial });
    });

    it('P12 an entry reads back with every field intact', async () => {
      const ev = await newEvent(engine);
      const full: AppendInput = {
        ts: 1_760_000_123_456,
        clientId: 'host-1',
        id: 'ünï "quoted" \\ id',
        name: 'poll.create',
        role: 'host',
        author: 'Ada',
        rttMs: 42,
        data: { pollId: 'p9', question: 'Ça va? 🎉', options: [{ id: 'a', label: 'x\ny' }], n: 1.5, ok: true, none: null },
      };
      const bare: AppendInput = { ...entry('aud-1', 'x'), author: null };
      await engine.append(ev.eventId, [full, bare]);
      expect(await engine.read(ev.eventId, 1, 10)).toEqual([
        { ...full, serial: 1 },
        { ...bare, serial: 2 },
      ]);
    });

    it('P14 a repeated (clientId, id) returns the original serial with dup:true and is not stored again', async () => {
      const ev = await newEvent(engine);
      expect(await engine.append(ev.eventId, [entry('c1', 'a', 'first')])).toEqual([{ serial: 1, dup: false }]);
      expect(await engine.append(ev.eventId, [entry('c1', 'a', 'second'), entry('c1', 'b')])).toEqual([
        { serial: 1, dup: true },
        { serial: 2, dup: false },
      ]);
      // Same id from another client is a different message.
      expect(await engine.append(ev.eventId, [entry('c2', 'a')])).toEqual([{ serial: 3, dup: false }]);
      const log = await readAll(engine, ev.eventId);
      expect(serialsOf(log)).toEqual([1, 2, 3]);
      expect(log[0]?.data).toBe('first');
    });

    it('P14 a duplicate inside one call gets the serial of its first occurrence', async () => {
      const ev = await newEvent(engine);
      expect(await engine.append(ev.eventId, [entry('c1', 'x'), entry('c1', 'y'), entry('c1', 'x'), entry('c1', 'z')])).toEqual([
        { serial: 1, dup: false },
        { serial: 2, dup: false },
        { serial: 1, dup: true },
        { serial: 3, dup: false },
      ]);
      expect(serialsOf(await readAll(engine, ev.eventId))).toEqual([1, 2, 3]);
    });

    it('P14 concurrent sends of one message are stored once and all answered with its serial', async () => {
      const ev = await newEvent(engine);
      await engine.append(ev.eventId, [entry('c0', 'warm-up')]);
      const outs = await Promise.all(range(1, 25).map(() => engine.append(ev.eventId, [entry('c1', 'same')])));
      const flat = outs.flat();
      expect(flat.filter((o) => !o.dup)).toHaveLength(1);
      expect(new Set(flat.map((o) => o.serial))).toEqual(new Set([2]));
      expect((await engine.info(ev.eventId)).lastSerial).toBe(2);
    });

    it('P14 P15 dedupe, serials and epoch survive a restart', async (ctx) => {
      if (!h.restart) {
        console.log(`[engine suite: ${name}] restart test skipped: this harness has no restart hook`);
        return ctx.skip();
      }
      const ev = await newEvent(engine);
      await engine.append(ev.eventId, range(1, 30).map((i) => entry(`c${i % 4}`, `m${i}`)));
      const before = await engine.info(ev.eventId);
      const logBefore = await readAll(engine, ev.eventId);
      await restart();
      expect(await engine.info(ev.eventId)).toEqual(before);
      expect(await readAll(engine, ev.eventId)).toEqual(logBefore);
      expect(await engine.append(ev.eventId, [entry('c3', 'm7'), entry('c9', 'new')])).toEqual([
        { serial: 7, dup: true },
        { serial: 31, dup: false },
      ]);
      expect((await engine.info(ev.eventId)).epoch).toBe(before.epoch);
    });

    it('P17 read pages through the log', async () => {
      const ev = await newEvent(engine);
      await engine.append(ev.eventId, range(1, 25).map((i) => entry('c1', `m${i}`)));
      expect(serialsOf(await engine.read(ev.eventId, 1, 10))).toEqual(range(1, 10));
      expect(serialsOf(await engine.read(ev.eventId, 11, 10))).toEqual(range(11, 20));
      expect(serialsOf(await engine.read(ev.eventId, 21, 10))).toEqual(range(21, 25));
      expect(await engine.read(ev.eventId, 26, 10)).toEqual([]);
      expect(serialsOf(await engine.read(ev.eventId, 0, 3))).toEqual([1, 2, 3]);
      expect(serialsOf(await engine.read(ev.eventId, 24, 1000))).toEqual([24, 25]);
      expect((await engine.read(ev.eventId, 5, 1))[0]?.id).toBe('m5');
    });

    it('P17 a tail delivers stored then live entries in order, without gaps or repeats, while appends run', async () => {
      const ev = await newEvent(engine);
      // More stored entries than one catch-up page (P17's history limit is 1,000).
      for (let b = 0; b < 15; b++) await engine.append(ev.eventId, range(1, 100).map((i) => entry('seed', `s${b}-${i}`)));
      const t = recordTail(engine, ev.eventId, 10);
      await Promise.all(
        range(1, 10).map(async (c) => {
          for (let k = 0; k < 20; k++) await engine.append(ev.eventId, [entry(`w${c}`, `k${k}`), entry(`w${c}`, `k${k}b`)]);
        }),
      );
      const last = (await engine.info(ev.eventId)).lastSerial;
      expect(last).toBe(1900);
      await waitUntil(() => (t.got.at(-1)?.serial ?? 0) >= last, 'the tail to reach the last serial');
      t.stop();
      expect(serialsOf(t.got)).toEqual(range(10, last));
      expect(t.got).toEqual((await readAll(engine, ev.eventId)).slice(9));
    });

    it('P17 concurrent tails each see every entry once; a future tail waits; a stopped tail hears nothing more', async () => {
      const ev = await newEvent(engine);
      await engine.append(ev.eventId, range(1, 50).map((i) => entry('seed', `s${i}`)));
      const a = recordTail(engine, ev.eventId, 1);
      const future = recordTail(engine, ev.eventId, 120);
      const stopped = recordTail(engine, ev.eventId, 1);
      await waitUntil(() => stopped.got.length >= 50, 'the tail to catch up');
      stopped.stop();
      const seenWhenStopped = stopped.got.length;
      let b: ReturnType<typeof recordTail> | undefined;
      await Promise.all(
        range(1, 5).map(async (c) => {
          for (let k = 0; k < 30; k++) {
            if (c === 1 && k === 10) b = recordTail(engine, ev.eventId, 1); // joins mid-stream
            await engine.append(ev.eventId, [entry(`w${c}`, `k${k}`)]);
          }
        }),
      );
      const last = (await engine.info(ev.eventId)).lastSerial;
      expect(last).toBe(200);
      await waitUntil(() => a.got.length >= last && (b?.got.length ?? 0) >= last && future.got.length >= last - 119, 'all tails to reach the end');
      expect(serialsOf(a.got)).toEqual(range(1, last));
      expect(serialsOf(b?.got ?? [])).toEqual(range(1, last));
      expect(serialsOf(future.got)).toEqual(range(120, last));
      expect(stopped.got.length).toBe(seenWhenStopped);
      // One more append: still nothing for the stopped tail, once the others have seen it.
      await engine.append(ev.eventId, [entry('late', '1')]);
      await waitUntil(() => a.got.length === last + 1, 'the live tail to see the late entry');
      expect(stopped.got.length).toBe(seenWhenStopped);
      for (const t of [a, b, future]) t?.stop();
    });

    it('events are found by id and by join code, listed, and kept across a restart', async () => {
      const a = await newEvent(engine, 'Keynote');
      const b = await newEvent(engine, 'Panel');
      expect(await engine.getEvent(a.eventId)).toEqual(a);
      expect(await engine.findEventByCode(b.joinCode)).toEqual(b);
      expect(await engine.getEvent('no-such-event')).toBeNull();
      expect(await engine.findEventByCode('ZZZZZ9')).toBeNull();
      const listed = await engine.listEvents();
      expect(listed).toEqual(expect.arrayContaining([a, b]));
      if (await restart()) {
        expect(await engine.getEvent(a.eventId)).toEqual(a);
        expect(await engine.findEventByCode(a.joinCode)).toEqual(a);
        expect(await engine.listEvents()).toEqual(expect.arrayContaining([a, b]));
      }
    });

    it('createEvent refuses a taken eventId (event_exists) or join code (code_taken)', async () => {
      const a = await newEvent(engine);
      await expect(engine.createEvent({ ...a, joinCode: joinCode() })).rejects.toMatchObject({ code: 'event_exists' });
      await expect(engine.createEvent({ ...a, eventId: `${a.eventId}-2` })).rejects.toMatchObject({ code: 'code_taken' });
      expect(await engine.getEvent(`${a.eventId}-2`)).toBeNull();
      expect(await engine.findEventByCode(a.joinCode)).toEqual(a);
    });

    it('presence keeps each node’s latest sample per event; samples add up', async () => {
      const ev = await newEvent(engine);
      const other = await newEvent(engine);
      await engine.reportPresence(ev.eventId, { node: 'n1', online: 3, connections: 4 });
      await engine.reportPresence(ev.eventId, { node: 'n2', online: 5, connections: 7 });
      await engine.reportPresence(other.eventId, { node: 'n1', online: 100, connections: 100 });
      const sum = async (id: string): Promise<number> => (await engine.presence(id)).reduce((s, p) => s + p.online, 0);
      const byNode = (await engine.presence(ev.eventId)).sort((x, y) => x.node.localeCompare(y.node));
      expect(byNode).toEqual([
        { node: 'n1', online: 3, connections: 4 },
        { node: 'n2', online: 5, connections: 7 },
      ]);
      expect(await sum(ev.eventId)).toBe(8);
      await engine.reportPresence(ev.eventId, { node: 'n1', online: 1, connections: 1 });
      expect(await sum(ev.eventId)).toBe(6);
      expect(await sum(other.eventId)).toBe(100);
    });

    it('an unknown event: append, read and info reject with code unknown_event', async () => {
      await expect(engine.append('no-such-event', [entry('c', '1')])).rejects.toMatchObject({ code: 'unknown_event' });
      await expect(engine.read('no-such-event', 1, 10)).rejects.toMatchObject({ code: 'unknown_event' });
      await expect(engine.info('no-such-event')).rejects.toMatchObject({ code: 'unknown_event' });
    });
  });
}
