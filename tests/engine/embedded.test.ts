/**
 * The embedded engine: the shared suite, plus what only a file-backed log has — recovery of
 * torn and damaged files (P16), epochs on a lost log (P15), group commit, file reads past
 * the cache, and portable event ids.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedEngine } from '../../src/hub/engine/embedded';
import type { AppendInput, EventMeta } from '../../src/hub/engine/engine';
import { engineSuite } from './engine-suite';
import { makeEmbeddedHarness, openEmbedded, tempDataDir } from './embedded-harness';
import { waitUntil } from '../helpers/wait';
import { currentLockRecord, parseLockRecord } from '../../src/shared/node/file-lock';

engineSuite('embedded', () => makeEmbeddedHarness());
// Same behaviour when almost nothing is cached: reads and tails go to the file.
engineSuite('embedded, 5-entry cache', () => makeEmbeddedHarness({ recentEntries: 5 }));
// Same behaviour when logs close after 50 ms unused and reopen on demand (issue 11).
engineSuite('embedded, logs unloaded when idle', () => makeEmbeddedHarness({ idleUnloadMs: 50 }));

const EVENT: EventMeta = { eventId: 'ev-1', title: 'Keynote', joinCode: 'ABCDEF', createdAt: 1_760_000_000_000 };
const entry = (clientId: string, id: string): AppendInput => ({ ts: 1, clientId, id, name: 'vote.cast', role: 'audience', data: { pollId: 'p', optionIds: ['a'] } });
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('embedded engine', () => {
  let dataDir = '';
  let engine: EmbeddedEngine | undefined;
  const logFile = (): string => path.join(dataDir, 'events', EVENT.eventId, 'log.jsonl');
  const reopen = async (extra = {}): Promise<EmbeddedEngine> => {
    await engine?.close();
    engine = undefined;
    engine = await openEmbedded(dataDir, extra);
    return engine;
  };
  /** A fresh data dir with EVENT holding `n` entries, one committed batch each; engine closed. */
  const seed = async (n: number): Promise<void> => {
    dataDir = tempDataDir('embedded');
    const e = await reopen();
    await e.createEvent(EVENT);
    for (const i of range(1, n)) await e.append(EVENT.eventId, [entry('c', `m${i}`)]);
    await e.close();
    engine = undefined;
  };
  const lines = (): string[] => fs.readFileSync(logFile(), 'utf8').split('\n').filter(Boolean);

  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('P32 revocations.json: written whole, lapsed ones dropped; a damaged one stops open with its name', async () => {
    await seed(0);
    const e = await reopen();
    await e.revoke({ eventId: EVENT.eventId, clientId: 'aud_kept', until: Date.now() + 3_600_000 });
    await e.revoke({ eventId: EVENT.eventId, clientId: 'aud_lapsed', until: Date.now() - 1 });
    const file = path.join(dataDir, 'revocations.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as { revocations: Array<{ clientId: string }> };
    expect(stored.revocations.map((r) => r.clientId)).toEqual(['aud_kept']);
    await e.close();
    engine = undefined;
    fs.writeFileSync(file, '{"version":1,"revocations":[{"eventId":"x"');
    await expect(openEmbedded(dataDir)).rejects.toThrow(/revocations\.json is not a revocation list/);
  });

  it('P16 a torn last line is dropped at open, the file cut back, and appends continue gaplessly', async () => {
    await seed(5);
    const good = fs.readFileSync(logFile());
    const last = lines().at(-1) as string;
    fs.appendFileSync(logFile(), last.slice(0, Math.floor(last.length / 2)));
    const e = await reopen();
    expect((await e.info(EVENT.eventId)).lastSerial).toBe(5);
    expect(fs.readFileSync(logFile())).toEqual(good);
    expect(e.stats().droppedLines).toBe(1);
    expect(await e.append(EVENT.eventId, [entry('c', 'm6'), entry('c', 'm3')])).toEqual([
      { serial: 6, dup: false },
      { serial: 3, dup: true },
    ]);
    const again = await reopen();
    expect((await again.read(EVENT.eventId, 1, 100)).map((x) => x.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('P16 an unfinished batch (complete lines, no commit mark) is dropped as a whole', async () => {
    await seed(2);
    // Commit one 3-entry batch, then chop its last line: the first two lines have no commit mark.
    let e = await reopen();
    await e.append(EVENT.eventId, [entry('b', '1'), entry('b', '2'), entry('b', '3')]);
    await e.close();
    engine = undefined;
    const text = fs.readFileSync(logFile(), 'utf8');
    const all = lines();
    expect(all.slice(2).map((l) => l.includes('"end":1'))).toEqual([false, false, true]);
    fs.writeFileSync(logFile(), text.slice(0, text.length - (all.at(-1) as string).length - 1));
    e = await reopen();
    expect((await e.info(EVENT.eventId)).lastSerial).toBe(2);
    expect(lines()).toHaveLength(2);
    // Never acknowledged, so not remembered either: a resend is a new entry.
    expect(await e.append(EVENT.eventId, [entry('b', '1')])).toEqual([{ serial: 3, dup: false }]);
  });

  it('P16 a complete last line with a bad checksum is dropped', async () => {
    await seed(4);
    fs.writeFileSync(logFile(), fs.readFileSync(logFile(), 'utf8').replace(/"m4"/, '"m9"'));
    const e = await reopen();
    expect((await e.info(EVENT.eventId)).lastSerial).toBe(3);
  });

  it('P16 damage before a committed line quarantines that event (named line, file left alone); the engine still opens', async () => {
    await seed(10);
    const text = lines();
    const damaged = fs.readFileSync(logFile(), 'utf8').replace('"m4"', '"mX"');
    fs.writeFileSync(logFile(), damaged);
    let e = await reopen();
    await expect(e.info(EVENT.eventId)).rejects.toMatchObject({ code: 'corrupt_log', message: expect.stringContaining('quarantined: its log is damaged at line 4 ') });
    await expect(e.append(EVENT.eventId, [])).rejects.toMatchObject({ code: 'corrupt_log' });
    expect(e.troubles()).toEqual([{ eventId: EVENT.eventId, state: 'quarantined', reason: expect.stringContaining('line 4 '), since: expect.any(Number) }]);
    expect(await e.getEvent(EVENT.eventId)).toMatchObject({ eventId: EVENT.eventId });
    await e.close();
    engine = undefined;
    expect(fs.readFileSync(logFile(), 'utf8')).toBe(damaged);
    // A line cut in the middle of the file (a lost newline) is caught the same way.
    fs.writeFileSync(logFile(), `${text.slice(0, 6).join('\n')}\n${(text[6] as string).slice(0, 30)}\n${text.slice(7).join('\n')}\n`);
    e = await reopen();
    expect(e.troubles()[0]?.reason).toContain('line 7 ');
  });

  it('P15 a lost log file gives a new epoch and serials start again at 1', async () => {
    await seed(3);
    let e = await reopen();
    const before = await e.info(EVENT.eventId);
    await e.close();
    engine = undefined;
    fs.rmSync(logFile());
    e = await reopen();
    const after = await e.info(EVENT.eventId);
    expect(after.lastSerial).toBe(0);
    expect(after.epoch).not.toBe(before.epoch);
    expect(await e.append(EVENT.eventId, [entry('c', 'm1')])).toEqual([{ serial: 1, dup: false }]);
    expect((await reopen()).stats().events).toBe(1);
    expect((await engine!.info(EVENT.eventId)).epoch).toBe(after.epoch);
  });

  it('P15 a lost epoch file gives a new epoch and keeps the log', async () => {
    await seed(3);
    const old = fs.readFileSync(path.join(dataDir, 'events', EVENT.eventId, 'epoch'), 'utf8');
    fs.rmSync(path.join(dataDir, 'events', EVENT.eventId, 'epoch'));
    const info = await (await reopen()).info(EVENT.eventId);
    expect(info).toEqual({ epoch: expect.not.stringMatching(old), lastSerial: 3 });
  });

  it('P16 group commit: 400 concurrent appends share a few fsyncs, each resolving only after an fsync that followed it', async () => {
    await seed(0);
    const e = await reopen();
    const start = e.stats().fsyncs;
    const late: number[] = [];
    await Promise.all(
      range(1, 400).map(async (i) => {
        const at = e.stats().fsyncs;
        await e.append(EVENT.eventId, [entry(`c${i}`, 'x')]);
        if (e.stats().fsyncs < at + 1) late.push(i);
      }),
    );
    const used = e.stats().fsyncs - start;
    expect(late).toEqual([]);
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThan(20);
    expect(e.stats().largestBatch).toBeGreaterThan(100);
    expect((await e.info(EVENT.eventId)).lastSerial).toBe(400);
  });

  it('reads and tails older than the recent cache come from the file, also after a reopen', async () => {
    await seed(0);
    let e = await reopen({ recentEntries: 50 });
    for (let b = 0; b < 35; b++) await e.append(EVENT.eventId, range(1, 100).map((i) => entry(`c${b}`, `m${i}`)));
    const check = async (x: EmbeddedEngine): Promise<void> => {
      for (const [from, limit] of [[1, 1000], [999, 3], [1001, 1], [2990, 20], [3470, 100]] as const) {
        const got = await x.read(EVENT.eventId, from, limit);
        expect(got.map((g) => g.serial)).toEqual(range(from, Math.min(3500, from + limit - 1)));
        expect(got[0]?.id).toBe(`m${((from - 1) % 100) + 1}`);
      }
      const seen: number[] = [];
      const stop = x.tail(EVENT.eventId, 1, (es) => seen.push(...es.map((s) => s.serial)));
      await waitUntil(() => seen.length >= 3500, '3,500 entries seen', 30_000, 5);
      stop();
      expect(seen).toEqual(range(1, 3500));
    };
    await check(e);
    e = await reopen({ recentEntries: 50 });
    await check(e);
  });

  it('damage that appears under a running engine is reported, not served: read rejects, a tail ends via onEnd', async () => {
    await seed(20);
    const e = await reopen({ recentEntries: 5 });
    await e.info(EVENT.eventId); // logs open on demand: this one is open (and stays so while in use)
    fs.writeFileSync(logFile(), fs.readFileSync(logFile(), 'utf8').replace('"m2"', '"mX"'));
    await expect(e.read(EVENT.eventId, 1, 10)).rejects.toMatchObject({ code: 'corrupt_log' });
    const ended: string[] = [];
    const got: number[] = [];
    e.tail(EVENT.eventId, 1, (es) => got.push(...es.map((x) => x.serial)), (err) => ended.push(err.code));
    await waitUntil(() => ended.length > 0, 'the tail to end', 30_000, 5);
    expect(ended).toEqual(['corrupt_log']);
    expect(got).toEqual([]);
    expect(e.stats().tailErrors).toBe(1);
    // The cached, undamaged end of the log is still served.
    expect((await e.read(EVENT.eventId, 16, 10)).map((x) => x.serial)).toEqual(range(16, 20));
  });

  it('close() waits for appends in flight; later calls reject with code closed', async () => {
    await seed(0);
    const e = await reopen();
    const pending = range(1, 50).map((i) => e.append(EVENT.eventId, [entry('c', `m${i}`)]));
    await e.close();
    expect((await Promise.all(pending)).map((o) => o[0]?.serial).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(range(1, 50));
    await expect(e.append(EVENT.eventId, [entry('c', 'late')])).rejects.toMatchObject({ code: 'closed' });
    expect((await (await reopen()).info(EVENT.eventId)).lastSerial).toBe(50);
  });

  it('P15 a data directory is used by one live process at a time; a dead owner’s lock is taken over', async () => {
    await seed(1);
    const lock = path.join(dataDir, 'LOCK');
    expect(fs.existsSync(lock)).toBe(false); // released by close()
    // A live process that is not this one (a bare pid: the LOCK format of earlier hubs).
    fs.writeFileSync(lock, String(process.ppid));
    await expect(openEmbedded(dataDir)).rejects.toMatchObject({ code: 'locked', message: expect.stringContaining(`process ${process.ppid} `) });
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    fs.writeFileSync(lock, JSON.stringify({ ...currentLockRecord(), pid: gone, procStart: null }));
    const e = await reopen();
    expect(parseLockRecord(fs.readFileSync(lock, 'utf8'))?.pid).toBe(process.pid);
    expect((await e.info(EVENT.eventId)).lastSerial).toBe(1);
  });

  it('presence samples older than 15 s are dropped', async () => {
    dataDir = tempDataDir('presence');
    let now = 1_000_000;
    const e = await reopen({ now: () => now });
    await e.reportPresence('ev', { node: 'a', online: 1, connections: 1 });
    now += 10_000;
    await e.reportPresence('ev', { node: 'b', online: 2, connections: 2 });
    now += 5_001;
    expect(await e.presence('ev')).toEqual([{ node: 'b', online: 2, connections: 2 }]);
    now += 10_000;
    expect(await e.presence('ev')).toEqual([]);
  });

  it('event ids must be portable directory names; ids differing only in case collide', async () => {
    dataDir = tempDataDir('ids');
    const e = await reopen();
    await e.createEvent(EVENT);
    for (const bad of ['a/b', '..', 'x y', 'CON', 'lpt1', '', 'a'.repeat(65)]) {
      await expect(e.createEvent({ ...EVENT, eventId: bad, joinCode: 'QWERTY' })).rejects.toMatchObject({ code: 'invalid_event_id' });
    }
    await expect(e.createEvent({ ...EVENT, eventId: 'EV-1', joinCode: 'QWERTY' })).rejects.toMatchObject({ code: 'event_exists' });
  });

  it('meta.json is replaced atomically (no temp files left); a directory without meta.json is no event', async () => {
    await seed(1);
    const dir = path.join(dataDir, 'events', EVENT.eventId);
    expect(fs.readdirSync(dir).sort()).toEqual(['epoch', 'log.jsonl', 'meta.json']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8'))).toEqual(EVENT);
    fs.mkdirSync(path.join(dataDir, 'events', 'half-made'));
    fs.writeFileSync(path.join(dataDir, 'events', 'half-made', 'log.jsonl'), '');
    const e = await reopen();
    expect((await e.listEvents()).map((m) => m.eventId)).toEqual([EVENT.eventId]);
  });
});

