/** The typed journal on real files: ids, restart, settings, serials, compaction, changes. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, type JournalChange } from '../../src/main/core/journal/journal';
import { JOURNAL_FILE } from '../../src/main/core/journal/journal-file';
import { encodeLine } from '../../src/main/core/journal/line-codec';

const dirs: string[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const ack = (id: string, serial: number, extra: { dup?: boolean; applied?: boolean; reason?: string } = {}) =>
  ({ t: 'ack', id, serial, applied: extra.applied ?? true, ...extra }) as const;

describe('Journal', () => {
  it('cancel (undo) settles a queued action so it is never sent, also after a restart; a sent one cannot be undone', async () => {
    const dir = tmpDir();
    let j = await Journal.open(dir, { consoleId: 'c1' });
    const del = await j.enqueue('ev', 'poll.delete', { pollId: 'p1' });
    const open = await j.enqueue('ev', 'poll.open', { pollId: 'p2' });
    j.markSent(open.id);
    expect(await j.cancel(open.id)).toBe(false);
    expect(await j.cancel(del.id)).toBe(true);
    expect(await j.cancel(del.id)).toBe(false);
    expect(j.pending().map((i) => i.id)).toEqual([open.id]);
    await j.close();
    j = await Journal.open(dir);
    expect(j.pending().map((i) => i.id)).toEqual([open.id]);
    expect(j.entries([del.id])[0]).toMatchObject({ state: 'failed', code: 'cancelled' });
    await j.close();
  });

  it('generates the console id once and keeps it; an explicit one seeds only a new journal', async () => {
    const dir = tmpDir();
    const j1 = await Journal.open(dir);
    const id = j1.consoleId;
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,40}$/);
    await j1.close();
    const j2 = await Journal.open(dir, { consoleId: 'other' });
    expect(j2.consoleId).toBe(id);
    await j2.close();
    const j3 = await Journal.open(tmpDir(), { consoleId: 'desk-1' });
    expect(j3.consoleId).toBe('desk-1');
    await j3.close();
    await expect(Journal.open(tmpDir(), { consoleId: 'has:colon' })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('assigns <consoleId>:<seq> ids, and the sequence survives restart and compaction', async () => {
    const dir = tmpDir();
    let j = await Journal.open(dir, { consoleId: 'c1' });
    const a = await j.enqueue('ev', 'poll.open', { pollId: 'p1' });
    const b = await j.enqueue('ev', 'poll.close', { pollId: 'p1' });
    expect([a.id, b.id]).toEqual(['c1:1', 'c1:2']);
    await j.markAcked(ack(a.id, 7));
    await j.markAcked(ack(b.id, 8));
    await j.close();
    j = await Journal.open(dir);
    expect((await j.enqueue('ev', 'x', null)).id).toBe('c1:3');
    await j.markAcked(ack('c1:3', 9));
    // compaction with nothing kept: the seq record alone carries the counter
    await j.close();
    j = await Journal.open(dir, { keepSettled: 0 });
    await j.compact();
    expect(j.recent()).toEqual([]);
    await j.close();
    j = await Journal.open(dir);
    expect((await j.enqueue('ev', 'x', null)).id).toBe('c1:4');
    await j.close();
  });

  it('keeps unsettled actions in order across restart; acked and failed ones are settled with their reasons', async () => {
    const dir = tmpDir();
    let j = await Journal.open(dir, { consoleId: 'c' });
    for (let i = 0; i < 5; i++) await j.enqueue('ev', 'chat.send', { i });
    await j.markAcked(ack('c:2', 10, { applied: false, reason: 'poll_closed' }));
    await j.markFailed({ t: 'nack', id: 'c:4', code: 'forbidden', message: 'host only' });
    expect(await j.markAcked(ack('c:4', 11))).toBe(false); // already settled: first settle wins
    expect(await j.markAcked(ack('nope:1', 1))).toBe(false);
    await j.close();
    j = await Journal.open(dir);
    expect(j.pending().map((p) => p.id)).toEqual(['c:1', 'c:3', 'c:5']);
    expect(j.pending({ limit: 2 }).map((p) => p.data)).toEqual([{ i: 0 }, { i: 2 }]);
    const recent = j.recent(10);
    expect(recent.map((r) => r.state)).toEqual(['queued', 'acked', 'queued', 'failed', 'queued']);
    expect(recent[1]).toMatchObject({ serial: 10, applied: false, reason: 'poll_closed', dup: false });
    expect(recent[3]).toMatchObject({ code: 'forbidden', reason: 'host only' });
    expect(j.recent(2).map((r) => r.id)).toEqual(['c:4', 'c:5']);
    await j.close();
  });

  it('settings: last one wins, merged, persisted; consoleId cannot change', async () => {
    const dir = tmpDir();
    let j = await Journal.open(dir, { consoleId: 'c' });
    await j.saveSettings({ hubUrls: ['ws://a'], token: 't1', eventId: 'ev' });
    await j.saveSettings({ hubUrls: ['ws://a', 'ws://b'], token: undefined, theme: 'dark' });
    await j.close();
    j = await Journal.open(dir);
    expect(j.settings()).toEqual({ consoleId: 'c', hubUrls: ['ws://a', 'ws://b'], eventId: 'ev', theme: 'dark' });
    await expect(j.saveSettings({ hubUrls: 'nope' as unknown as string[] })).rejects.toMatchObject({ code: 'invalid' });
    await j.close();
  });

  it('a journal from an older console, with resume-hint records, opens with its actions, and compaction drops the hints', async () => {
    const dir = tmpDir();
    let j = await Journal.open(dir);
    const queued = await j.enqueue('ev', 'poll.open', { pollId: 'p1' });
    await j.close();
    // Older consoles fsynced a `lastSerial` hint per sync; the view cache holds the cursor now.
    fs.appendFileSync(path.join(dir, JOURNAL_FILE), Buffer.concat([encodeLine({ k: 'lastSerial', view: 'staff', epoch: 'e1', serial: 500 }), encodeLine({ k: 'lastSerial', view: 'staff', epoch: 'e1', serial: 501 })]));
    j = await Journal.open(dir);
    expect(j.unsettledIds()).toEqual([queued.id]);
    await j.compact();
    await j.close();
    expect(fs.readFileSync(path.join(dir, JOURNAL_FILE), 'utf8')).not.toContain('lastSerial');
    j = await Journal.open(dir);
    expect(j.unsettledIds()).toEqual([queued.id]);
    await j.close();
  });

  it('compacts automatically, keeping every unsettled action and the last settled ones for the UI', async () => {
    const dir = tmpDir();
    let j = await Journal.open(dir, { consoleId: 'c', compactAfter: 100, keepSettled: 30 });
    const changes: JournalChange['kind'][] = [];
    j.onChange((c) => changes.push(c.kind));
    for (let i = 1; i <= 400; i++) {
      const item = await j.enqueue('ev', 'chat.send', { i });
      if (i % 10 !== 0) await j.markAcked(ack(item.id, i));
    }
    await j.close();
    expect(changes).toContain('compacted');
    const size = fs.statSync(path.join(dir, JOURNAL_FILE)).size;
    j = await Journal.open(dir);
    expect(j.pending().map((p) => p.seq)).toEqual(Array.from({ length: 40 }, (_, k) => (k + 1) * 10));
    const settled = j.recent(1_000).filter((r) => r.state === 'acked');
    expect(settled.length).toBeGreaterThanOrEqual(30);
    expect(settled.at(-1)?.seq).toBe(399);
    expect(j.fileStats.records).toBeLessThan(400); // old settled records are gone from the file
    expect(size).toBeLessThan(60_000);
    await j.close();
  });

  it('an action becomes visible only once durable, and onChange reports it; unsubscribe works', async () => {
    const j = await Journal.open(tmpDir(), { consoleId: 'c' });
    const seen: string[] = [];
    const off = j.onChange((c) => seen.push(`${c.kind}${'id' in c ? ` ${c.id}` : ''}`));
    const p = j.enqueue('ev', 'chat.send', {});
    expect(j.pending()).toEqual([]); // appended, not yet fsynced
    await p;
    expect(j.pending()).toHaveLength(1);
    j.markSent('c:1');
    expect(j.recent()[0]?.state).toBe('sent');
    j.clearSent();
    expect(j.recent()[0]?.state).toBe('queued');
    await j.markAcked(ack('c:1', 1, { dup: true }));
    off();
    await j.enqueue('ev', 'chat.send', {});
    expect(seen).toEqual(['enqueued c:1', 'sent c:1', 'unsent', 'acked c:1']);
    await j.close();
    await expect(j.enqueue('ev', 'x', null)).rejects.toMatchObject({ code: 'closed' });
  });

  it('rejects what it cannot store and stays usable', async () => {
    const j = await Journal.open(tmpDir(), { consoleId: 'c' });
    await expect(j.enqueue('ev', 'x', { n: 1n })).rejects.toMatchObject({ code: 'invalid' });
    await expect(j.enqueue('', 'x', null)).rejects.toMatchObject({ code: 'invalid' });
    await expect(j.enqueue('ev', 'x'.repeat(65), null)).rejects.toMatchObject({ code: 'invalid' });
    const ok = await j.enqueue('ev', 'x', null);
    expect(j.pending().map((p) => p.id)).toEqual([ok.id]);
    await j.close();
  });

  it('skips records of an unknown kind (a newer version) and counts them', async () => {
    const dir = tmpDir();
    const j0 = await Journal.open(dir, { consoleId: 'c' });
    await j0.close();
    fs.appendFileSync(path.join(dir, JOURNAL_FILE), encodeLine({ k: 'future', x: 1 }));
    const j = await Journal.open(dir);
    expect(j.report.unknownRecords).toBe(1);
    expect(j.consoleId).toBe('c');
    await j.close();
  });
});
