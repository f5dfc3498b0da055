/**
 * Issue 11, embedded engine: an event log unused for the idle period is closed (file and memory)
 * and reopened on the next call, with serials, epoch and dedupe (P14, P15) as before; damage that
 * appeared meanwhile quarantines the event on reopen, as at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedEngine } from '../../src/hub/engine/embedded';
import type { AppendInput, EventMeta } from '../../src/hub/engine/engine';
import { openEmbedded, tempDataDir } from './embedded-harness';
import { waitUntil } from '../helpers/wait';

const EVENT: EventMeta = { eventId: 'idle-1', title: 'Idle', joinCode: 'IDLE01', createdAt: 1_760_000_000_000 };
const entry = (id: string): AppendInput => ({ ts: 1, clientId: 'c', id, name: 'chat.send', role: 'host', data: { messageId: id, text: id } });

let dataDir = '';
let engine: EmbeddedEngine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded engine, idle logs', () => {
  it('closes an unused log, reopens it on demand with the same serials, epoch and dedupe', async () => {
    dataDir = tempDataDir('idle');
    engine = await openEmbedded(dataDir, { idleUnloadMs: 100 });
    const e = engine;
    await e.createEvent(EVENT);
    const first = await e.append(EVENT.eventId, [entry('a'), entry('b')]);
    const { epoch } = await e.info(EVENT.eventId);
    expect(e.stats().loadedLogs).toBe(1);
    await waitUntil(() => e.stats().loadedLogs === 0 || undefined, 'the idle log to close');

    // Calls made while it reopens keep their order and see the whole log.
    const [again, next, info] = await Promise.all([e.append(EVENT.eventId, [entry('a')]), e.append(EVENT.eventId, [entry('c')]), e.info(EVENT.eventId)]);
    expect(again).toEqual([{ serial: first[0]?.serial, dup: true }]);
    expect(next).toEqual([{ serial: 3, dup: false }]);
    expect(info.epoch).toBe(epoch);
    expect((await e.read(EVENT.eventId, 1, 10)).map((x) => x.id)).toEqual(['a', 'b', 'c']);

    // A tail started while the log is closed still sees everything, and keeps the log open.
    await waitUntil(() => e.stats().loadedLogs === 0 || undefined, 'the idle log to close again');
    const seen: number[] = [];
    const stop = e.tail(EVENT.eventId, 1, (es) => seen.push(...es.map((x) => x.serial)));
    await waitUntil(() => seen.length === 3 || undefined, 'the tail to catch up');
    await e.append(EVENT.eventId, [entry('d')]);
    await waitUntil(() => seen.length === 4 || undefined, 'the live entry');
    await e.unloadIdle();
    expect(e.stats().loadedLogs).toBe(1); // a log with a tail is in use
    stop();
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('damage that appeared while the log was closed quarantines the event when it reopens', async () => {
    dataDir = tempDataDir('idle-damage');
    engine = await openEmbedded(dataDir, { idleUnloadMs: 100 });
    const e = engine;
    await e.createEvent(EVENT);
    for (const id of ['a', 'b', 'c']) await e.append(EVENT.eventId, [entry(id)]);
    await waitUntil(() => e.stats().loadedLogs === 0 || undefined, 'the idle log to close');
    const logFile = path.join(dataDir, 'events', EVENT.eventId, 'log.jsonl');
    fs.writeFileSync(logFile, fs.readFileSync(logFile, 'utf8').replace('"text":"a"', '"text":"X"'));
    await expect(e.read(EVENT.eventId, 1, 10)).rejects.toMatchObject({ code: 'corrupt_log' });
    expect(e.troubles()).toEqual([expect.objectContaining({ eventId: EVENT.eventId, state: 'quarantined' })]);
    await expect(e.append(EVENT.eventId, [entry('z')])).rejects.toMatchObject({ code: 'corrupt_log' });
  });
});
