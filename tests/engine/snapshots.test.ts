/**
 * Issue 18 restarts: the embedded log's index snapshot and the hub's state snapshot, on real
 * files. A reopen from them equals a full fold of the same log (state, views, serials kept for
 * resume, P14 dedupe); a damaged, stale or mismatched snapshot is ignored with its reason and the
 * log folded in full; writing an index snapshot does not hold appends up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedEngine } from '../../src/hub/engine/embedded';
import { INDEX_SNAPSHOT_FILE } from '../../src/hub/engine/embedded/index-snapshot';
import { STATE_SNAPSHOT_FILE } from '../../src/hub/engine/embedded/event-log';
import type { AppendInput, EventMeta, SnapshotPolicy } from '../../src/hub/engine/engine';
import { EventRuntime } from '../../src/hub/event-runtime';
import { audienceView, staffView } from '../../src/shared/domain';
import { openEmbedded, tempDataDir } from './embedded-harness';

const META: EventMeta = { eventId: 'snap', title: 'Snapshots', joinCode: 'SNAP12', createdAt: 1_700_000_000_000 };
const POLICY: SnapshotPolicy = { everyEntries: 300, everyMs: Infinity, minEntries: Infinity };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const input = (clientId: string, id: string, name: string, data: unknown, role: AppendInput['role'] = 'host'): AppendInput => ({ clientId, id, name, data, role, author: null, ts: 1_700_000_000_000 + Number(id.replace(/\D/g, '') || 0) });

interface Opened {
  engine: EmbeddedEngine;
  rt: EventRuntime;
  notices: string[];
  close: () => Promise<void>;
}

async function openEvent(dir: string): Promise<Opened> {
  const notices: string[] = [];
  const engine = await openEmbedded(dir, { snapshots: POLICY, notice: (_e, m) => notices.push(m) });
  if (!(await engine.getEvent(META.eventId))) await engine.createEvent(META);
  const meta = (await engine.getEvent(META.eventId)) as EventMeta;
  const rt = await EventRuntime.open(engine, meta, {
    node: 'n',
    syncHz: 10,
    snapshots: POLICY,
    notice: (m) => notices.push(m),
    onError: (e) => notices.push(`error: ${String(e)}`),
    onEnded: () => undefined,
  });
  return {
    engine,
    rt,
    notices,
    close: async () => {
      await rt.close();
      await engine.close();
    },
  };
}

/** A poll with ballots changing, a close then late (not applied) ballots, chat and questions. */
async function writeEvent(o: Opened, entries: number): Promise<void> {
  await o.rt.publish(input('h', 'mk', 'poll.create', { pollId: 'p', question: 'Q', kind: 'single', options: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }] }));
  await o.rt.publish(input('h', 'op', 'poll.open', { pollId: 'p' }));
  for (let n = 2; n < entries; n += 50) {
    if (n > entries / 2 && n < entries / 2 + 50) await o.rt.publish(input('h', `close${n}`, 'poll.close', { pollId: 'p' }));
    const batch: Array<Promise<unknown>> = [];
    for (let i = n; i < Math.min(entries, n + 50); i++) {
      if (i % 10 === 0) batch.push(o.rt.publish(input('h', `c${i}`, 'chat.send', { messageId: `m${i}`, text: `message ${i}` })));
      else if (i % 17 === 0) batch.push(o.rt.publish(input(`aud${i % 40}`, `q${i}`, 'question.ask', { questionId: `q${i}`, text: `question ${i}` }, 'audience')));
      else batch.push(o.rt.publish(input(`aud${i % 40}`, `v${i}`, 'vote.cast', { pollId: 'p', optionIds: [i % 3 ? 'a' : 'b'] }, 'audience')));
    }
    await Promise.all(batch);
  }
}

interface Seen {
  serial: number;
  epoch: string;
  staff: string;
  audience: string;
  retained: number[];
  /** The staff view at each of the last 256 serials, as resume would patch from. */
  resumable: Array<string | null>;
}

function seen(rt: EventRuntime): Seen {
  const resumable: Array<string | null> = [];
  for (let s = rt.serial - 255; s <= rt.serial; s++) {
    const st = rt.stateAt(s);
    resumable.push(st ? JSON.stringify(staffView(st)) : null);
  }
  return { serial: rt.serial, epoch: rt.epoch, staff: JSON.stringify(staffView(rt.currentState)), audience: JSON.stringify(audienceView(rt.currentState)), retained: rt.retainedSerials, resumable };
}

const eventDir = (dir: string): string => path.join(dir, 'events', META.eventId);
const snapFiles = (dir: string): string[] => [INDEX_SNAPSHOT_FILE, STATE_SNAPSHOT_FILE].map((f) => path.join(eventDir(dir), f));

/** Opens the folder as is, then again with the snapshots removed (a full fold): both views. */
async function withAndWithout(dir: string): Promise<{ snap: Seen & { from: number; notices: string[]; snapshotOpens: number }; full: Seen }> {
  const a = await openEvent(dir);
  const snap = { ...seen(a.rt), from: a.rt.restoredFrom, notices: a.notices, snapshotOpens: a.engine.stats().snapshotOpens };
  await a.close();
  for (const f of snapFiles(dir)) fs.rmSync(f, { force: true });
  const b = await openEvent(dir);
  expect(b.rt.restoredFrom).toBe(0);
  const full = seen(b.rt);
  await b.close();
  return { snap, full };
}

async function built(entries: number): Promise<string> {
  const dir = tempDataDir('snapshots');
  dirs.push(dir);
  const o = await openEvent(dir);
  await writeEvent(o, entries);
  expect(await o.engine.snapshotIndex(META.eventId)).toBe(o.rt.serial);
  expect(await o.rt.snapshotNow()).toBe(true);
  expect(o.notices).toEqual([]);
  await o.close();
  return dir;
}

describe('issue 18 snapshots beside the log', () => {
  it('a reopen from the snapshots equals a full fold: state, views, serials kept for resume, P14 dedupe', async () => {
    const dir = await built(1500);
    for (const f of snapFiles(dir)) expect(fs.existsSync(f), f).toBe(true);
    // P14 after a reopen from the snapshots: keys in the snapshot's table and in the tail.
    const o = await openEvent(dir);
    expect(o.rt.restoredFrom).toBeGreaterThan(0);
    expect(o.rt.restoredFrom).toBeLessThanOrEqual(o.rt.serial - 256);
    expect(o.engine.stats().snapshotOpens).toBe(1);
    const last = o.rt.serial;
    const [old, recent, fresh] = await o.engine.append(META.eventId, [input('aud3', 'v3', 'vote.cast', {}), input('h', 'c1490', 'chat.send', {}), input('h', 'new-one', 'chat.send', { messageId: 'n', text: 'new' })]);
    expect(old).toEqual({ serial: 4, dup: true });
    expect(recent?.dup).toBe(true);
    expect(fresh).toEqual({ serial: last + 1, dup: false });
    // The original outcome of a late (not applied) ballot, answered after the reopen.
    const late = await o.rt.publish(input('aud1', 'v1001', 'vote.cast', {}, 'audience'));
    expect(late).toMatchObject({ applied: false, dup: true, reason: expect.any(String) });
    await o.close();
    await built2(dir);
  });

  it('damaged, stale or mismatched snapshots are ignored with their reason, and the log is folded in full', async () => {
    const base = await built(900);
    const logFile = path.join(eventDir(base), 'log.jsonl');
    const cases: Array<{ name: string; damage: (dir: string) => void; reason: RegExp; stateUsed: boolean }> = [
      {
        name: 'state payload byte flipped',
        damage: (d) => flip(path.join(eventDir(d), STATE_SNAPSHOT_FILE), -10),
        reason: /state snapshot ignored.*checksum mismatch/,
        stateUsed: false,
      },
      {
        name: 'index snapshot truncated',
        damage: (d) => {
          const f = path.join(eventDir(d), INDEX_SNAPSHOT_FILE);
          fs.truncateSync(f, fs.statSync(f).size - 100);
        },
        reason: /index snapshot ignored.*truncated/,
        stateUsed: true,
      },
      {
        name: 'another epoch',
        damage: (d) => fs.writeFileSync(path.join(eventDir(d), 'epoch'), 'another-epoch'),
        reason: /snapshot ignored.*epoch/,
        stateUsed: false,
      },
      {
        name: 'another schema',
        damage: (d) => {
          const f = path.join(eventDir(d), STATE_SNAPSHOT_FILE);
          const b = fs.readFileSync(f);
          const head = b.toString('latin1', 0, b.indexOf(0x0a));
          const changed = head.replace(/"schema":(\d)/, (_m, dgt: string) => `"schema":${(Number(dgt) + 1) % 10}`);
          expect(changed).not.toBe(head);
          b.write(changed, 0, 'latin1');
          fs.writeFileSync(f, b);
        },
        reason: /state snapshot ignored.*schema/,
        stateUsed: false,
      },
      {
        name: 'serial beyond the log (the log cut at a batch boundary, same epoch)',
        damage: (d) => {
          const f = path.join(eventDir(d), 'log.jsonl');
          fs.truncateSync(f, batchBoundaryNear(f, 0.1));
        },
        reason: /snapshot ignored.*covers/,
        stateUsed: false,
      },
    ];
    expect(fs.existsSync(logFile)).toBe(true);
    for (const c of cases) {
      const dir = tempDataDir('snapshots-bad');
      dirs.push(dir);
      fs.cpSync(base, dir, { recursive: true });
      c.damage(dir);
      const { snap, full } = await withAndWithout(dir);
      expect(snap.notices.join('\n'), c.name).toMatch(c.reason);
      expect(snap.from > 0, c.name).toBe(c.stateUsed);
      expect(snap.notices.filter((n) => n.startsWith('error')), c.name).toEqual([]);
      const { from: _f, notices: _n, snapshotOpens: _o, ...rest } = snap;
      expect(rest, c.name).toEqual(full);
    }
  });

  it('an index snapshot written while appends go on does not hold them up, and serves P14 after a restart', async () => {
    const dir = tempDataDir('snapshots-appends');
    dirs.push(dir);
    const policy: SnapshotPolicy = { everyEntries: 150_000, everyMs: Infinity, minEntries: Infinity };
    let engine = await openEmbedded(dir, { snapshots: policy });
    await engine.createEvent(META);
    const batch = (from: number, n: number): AppendInput[] => Array.from({ length: n }, (_, i) => input(`aud${(from + i) % 5000}`, `k${from + i}`, 'vote.cast', { pollId: 'p', optionIds: ['a'] }, 'audience'));
    for (let at = 0; at < 150_000 - 1; at += 10_000) await engine.append(META.eventId, batch(at, Math.min(10_000, 150_000 - 1 - at)));
    expect(engine.stats().indexSnapshots).toBe(0);
    await engine.append(META.eventId, batch(149_999, 1)); // the 150,000th entry: the snapshot starts
    let during = 0;
    let next = 150_000;
    while (engine.stats().indexSnapshots === 0) {
      const [o] = await engine.append(META.eventId, batch(next++, 1));
      expect(o?.dup).toBe(false);
      if (engine.stats().indexSnapshots === 0) during++;
    }
    // Appends kept being acknowledged (each fsynced) while the 150,000 keys were merged and written.
    expect(during).toBeGreaterThanOrEqual(3);
    expect(await engine.append(META.eventId, batch(7, 1))).toEqual([{ serial: 8, dup: true }]);
    const last = (await engine.info(META.eventId)).lastSerial;
    await engine.close();
    engine = await openEmbedded(dir, { snapshots: policy });
    const [cold, hot, fresh] = await engine.append(META.eventId, [...batch(123_456, 1), ...batch(next - 1, 1), ...batch(next, 1)]);
    expect(engine.stats().snapshotOpens).toBe(1);
    expect(cold).toEqual({ serial: 123_457, dup: true });
    expect(hot).toEqual({ serial: last, dup: true });
    expect(fresh).toEqual({ serial: last + 1, dup: false });
    await engine.close();
  });
});

/** The reopen from the snapshots, and a full fold of the same log, see the same. */
async function built2(dir: string): Promise<void> {
  const { snap, full } = await withAndWithout(dir);
  expect(snap.notices).toEqual([]);
  expect(snap.from).toBeGreaterThan(0);
  expect(snap.snapshotOpens).toBe(1);
  const { from: _f, notices: _n, snapshotOpens: _o, ...rest } = snap;
  expect(rest.resumable.filter((v) => v === null)).toEqual([]);
  expect(rest).toEqual(full);
}

function flip(file: string, at: number): void {
  const b = fs.readFileSync(file);
  const i = at < 0 ? b.length + at : at;
  b[i] = (b[i] as number) ^ 0xff;
  fs.writeFileSync(file, b);
}

/** The end of the batch (a line with the commit mark) nearest `fraction` of the file. */
function batchBoundaryNear(file: string, fraction: number): number {
  const text = fs.readFileSync(file, 'latin1');
  let at = Math.floor(text.length * fraction);
  for (;;) {
    const nl = text.indexOf('\n', at);
    const lineStart = text.lastIndexOf('\n', nl - 1) + 1;
    if (text.startsWith('"end":1', lineStart + 16)) return nl + 1;
    at = nl + 1;
  }
}
