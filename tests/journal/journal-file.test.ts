/**
 * The record file on a real disk: line format and checksums, torn-tail recovery, damage in
 * the middle, group commit, compaction racing appends, and the platform helpers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { crc32, crc32Table } from '../../src/main/core/journal/crc32';
import { fsyncDir, renameWithRetry } from '../../src/main/core/journal/durable-fs';
import { JournalError } from '../../src/main/core/journal/errors';
import { CORRUPT_FILE, JOURNAL_FILE, JournalFile } from '../../src/main/core/journal/journal-file';
import { decodeLines, encodeLine, type JournalRecord } from '../../src/main/core/journal/line-codec';

const dirs: string[] = [];
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-file-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function withFile(dir: string, records: JournalRecord[]): Promise<void> {
  const { file } = await JournalFile.open(dir);
  await file.append(records);
  await file.close();
}

describe('line format', () => {
  it('crc32 matches zlib and the standard check value', () => {
    expect(crc32Table(Buffer.from('123456789'))).toBe(0xcbf43926);
    const zcrc = (zlib as { crc32?: (b: Uint8Array) => number }).crc32;
    for (const s of ['', 'a', 'héllo wörld ✓', 'x'.repeat(10_000)]) {
      const b = Buffer.from(s);
      expect(crc32(b)).toBe(crc32Table(b));
      if (zcrc) expect(crc32Table(b)).toBe(zcrc(b) >>> 0);
    }
  });

  it('writes {"c":<crc of the r text>,"r":...} and rejects a flipped byte', () => {
    const line = encodeLine({ k: 'x', text: 'ünïcode', n: 1 });
    const text = line.toString('utf8');
    expect(text).toMatch(/^\{"c":"[0-9a-f]{8}","r":\{"k":"x","text":"ünïcode","n":1\}\}\n$/);
    const parsed = JSON.parse(text) as { c: string; r: unknown };
    expect(parsed.c).toBe(crc32(Buffer.from(JSON.stringify(parsed.r))).toString(16).padStart(8, '0'));
    const bad = Buffer.from(line);
    bad[25] = bad[25]! ^ 1;
    const both = Buffer.concat([bad, encodeLine({ k: 'y' })]);
    const r = decodeLines(both);
    expect(r.records).toEqual([{ k: 'y' }]);
    expect(r.corrupt).toEqual([{ offset: 0, length: line.length, reason: 'checksum' }]);
  });

  it('refuses what cannot be a record', async () => {
    const { file } = await JournalFile.open(tmpDir());
    await expect(file.append([{ big: 1n } as unknown as JournalRecord])).rejects.toMatchObject({ code: 'invalid' });
    await file.append([{ ok: true }]); // still usable
    await file.close();
  });
});

describe('recovery on open', () => {
  it('drops a torn last line (no newline, or a cut inside the JSON) and truncates the file', async () => {
    const dir = tmpDir();
    await withFile(dir, [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const file = path.join(dir, JOURNAL_FILE);
    const good = fs.statSync(file).size;
    const whole = encodeLine({ n: 4, text: 'the write that was cut' });
    for (const cut of [1, 10, whole.length - 2, whole.length - 1]) {
      fs.appendFileSync(file, whole.subarray(0, cut));
      const { file: f, records, report } = await JournalFile.open(dir);
      expect(records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
      expect(report.truncatedBytes).toBe(cut);
      expect(report.corrupt).toEqual([]);
      expect(fs.statSync(file).size).toBe(good);
      await f.close();
    }
    // appends after recovery start on a clean line
    const { file: f } = await JournalFile.open(dir);
    await f.append([{ n: 5 }]);
    await f.close();
    const again = await JournalFile.open(dir);
    expect(again.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 5 }]);
    await again.file.close();
  });

  it('skips and reports a damaged line in the middle, keeping a copy in journal.corrupt', async () => {
    const dir = tmpDir();
    await withFile(dir, [{ n: 1 }, { n: 2, text: 'damaged' }, { n: 3 }]);
    const file = path.join(dir, JOURNAL_FILE);
    const buf = fs.readFileSync(file);
    const at = buf.indexOf('damaged');
    buf[at] = 'D'.charCodeAt(0); // same length, wrong checksum
    fs.writeFileSync(file, buf);
    const { file: f, records, report } = await JournalFile.open(dir);
    expect(records).toEqual([{ n: 1 }, { n: 3 }]);
    expect(report.corrupt).toHaveLength(1);
    expect(report.corrupt[0]!.reason).toBe('checksum');
    expect(report.truncatedBytes).toBe(0);
    const quarantined = JSON.parse(fs.readFileSync(path.join(dir, CORRUPT_FILE), 'utf8').trim()) as { base64: string };
    expect(Buffer.from(quarantined.base64, 'base64').toString()).toContain('Damaged');
    await f.close();
  });

  it('deletes the .tmp of an interrupted compaction and keeps the old file', async () => {
    const dir = tmpDir();
    await withFile(dir, [{ n: 1 }, { n: 2 }]);
    fs.writeFileSync(path.join(dir, `${JOURNAL_FILE}.tmp`), encodeLine({ n: 1 }).subarray(0, 7));
    const { file, records, report } = await JournalFile.open(dir);
    expect(records).toEqual([{ n: 1 }, { n: 2 }]);
    expect(report.removedTmp).toBe(true);
    expect(fs.existsSync(path.join(dir, `${JOURNAL_FILE}.tmp`))).toBe(false);
    await file.close();
  });
});

describe('group commit', () => {
  it('resolves each append only after its fsync, and concurrent appends share fsyncs', async () => {
    const dir = tmpDir();
    const { file } = await JournalFile.open(dir);
    const order: number[] = [];
    const appends = Array.from({ length: 200 }, (_, i) => {
      const fsyncsAtCall = file.stats.fsyncs;
      return file.append([{ i }]).then(() => {
        // an fsync completed after this append was called, before it resolved
        expect(file.stats.fsyncs).toBeGreaterThan(fsyncsAtCall);
        order.push(i);
      });
    });
    await Promise.all(appends);
    expect(order).toEqual([...order].sort((a, b) => a - b)); // resolved in append order
    expect(file.stats.fsyncs).toBeLessThan(200); // group commit: fewer fsyncs than appends
    expect(file.stats.appendedRecords).toBe(200);
    await file.close();
    const again = await JournalFile.open(dir);
    expect(again.records.map((r) => r.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    await again.file.close();
  });

  it('refuses appends after close, but lands those called before', async () => {
    const { file } = await JournalFile.open(tmpDir());
    const before = file.append([{ n: 1 }]);
    const closing = file.close();
    await expect(file.append([{ n: 2 }])).rejects.toMatchObject({ code: 'closed' });
    await before;
    await closing;
  });
});

describe('compaction', () => {
  it('loses nothing while 16 writers keep appending, across repeated compactions', async () => {
    const dir = tmpDir();
    const { file } = await JournalFile.open(dir);
    const called: JournalRecord[] = []; // every record whose append was called, in call order
    let stop = false;
    const resolved = new Set<string>();
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i++) {
        const rec = { w, i };
        called.push(rec);
        await file.append([rec]);
        resolved.add(`${w}:${i}`);
      }
    };
    const writers = Array.from({ length: 16 }, (_, w) => writer(w));
    let compactions = 0;
    while (compactions < 8) {
      await new Promise((r) => setImmediate(r));
      if (called.length < (compactions + 1) * 150) continue;
      // live = everything called so far, as the Journal does with its in-memory state
      await file.compact([{ gen: ++compactions }, ...called]);
      expect(file.stats.compactions).toBe(compactions);
    }
    stop = true;
    await Promise.all(writers);
    await file.close();

    const { file: f2, records } = await JournalFile.open(dir);
    await f2.close();
    expect(records[0]).toEqual({ gen: 8 });
    const seen = new Set<string>();
    for (const r of records.slice(1)) {
      const key = `${String(r.w)}:${String(r.i)}`;
      expect(seen.has(key), `duplicate ${key}`).toBe(false);
      seen.add(key);
    }
    for (const key of resolved) expect(seen.has(key), `lost ${key}`).toBe(true);
    expect(seen.size).toBe(called.length);
    // each writer's records are in its order
    const last = new Map<number, number>();
    for (const r of records.slice(1)) {
      expect(Number(r.i)).toBeGreaterThan(last.get(Number(r.w)) ?? -1);
      last.set(Number(r.w), Number(r.i));
    }
  });

  it('refuses a second compaction while one runs', async () => {
    const { file } = await JournalFile.open(tmpDir());
    const first = file.compact([{ n: 1 }]);
    await expect(file.compact([{ n: 2 }])).rejects.toMatchObject({ code: 'busy' });
    await first;
    await file.close();
  });

  it('keeps the old file and requeues covered appends when the rename keeps failing', async () => {
    const dir = tmpDir();
    let attempts = 0;
    const { file } = await JournalFile.open(dir, {
      rename: {
        budgetMs: 100,
        rename: () => {
          attempts++;
          return Promise.reject(Object.assign(new Error('held by antivirus'), { code: 'EBUSY' }));
        },
      },
    });
    await file.append([{ n: 1 }]);
    const racing = file.append([{ n: 2 }]); // called before compact: covered by live
    await expect(file.compact([{ n: 1 }, { n: 2 }])).rejects.toMatchObject({ code: 'io' });
    await racing; // it still landed, in the old file
    expect(attempts).toBeGreaterThan(1);
    await file.append([{ n: 3 }]);
    await file.close();
    const again = await JournalFile.open(dir);
    expect(again.records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(fs.existsSync(path.join(dir, `${JOURNAL_FILE}.tmp`))).toBe(false);
    await again.file.close();
  });
});

describe('platform helpers', () => {
  it('renameWithRetry retries EPERM/EBUSY/EACCES (Windows antivirus) and then renames', async () => {
    const dir = tmpDir();
    const from = path.join(dir, 'a');
    const to = path.join(dir, 'b');
    fs.writeFileSync(from, 'new');
    fs.writeFileSync(to, 'old');
    const codes = ['EPERM', 'EBUSY', 'EACCES'];
    const retries = await renameWithRetry(from, to, {
      rename: async (a, b) => {
        const code = codes.shift();
        if (code) throw Object.assign(new Error(code), { code });
        await fs.promises.rename(a, b);
      },
    });
    expect(retries).toBe(3);
    expect(fs.readFileSync(to, 'utf8')).toBe('new');
  });

  it('renameWithRetry gives up on other errors at once, and on transient ones after its budget', async () => {
    let calls = 0;
    const enoent = renameWithRetry('x', 'y', {
      rename: () => {
        calls++;
        return Promise.reject(Object.assign(new Error('gone'), { code: 'ENOENT' }));
      },
    });
    await expect(enoent).rejects.toMatchObject({ code: 'ENOENT' });
    expect(calls).toBe(1);
    const started = Date.now();
    await expect(renameWithRetry('x', 'y', { budgetMs: 200, rename: () => Promise.reject(Object.assign(new Error('busy'), { code: 'EBUSY' })) })).rejects.toMatchObject({ code: 'EBUSY' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fsyncs a directory on POSIX and skips it on Windows', async () => {
    const dir = tmpDir();
    expect(await fsyncDir(dir, 'win32')).toBe('unsupported');
    if (process.platform !== 'win32') expect(await fsyncDir(dir)).toBe('synced');
    await expect(fsyncDir(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('errors carry stable codes', () => {
    const e = new JournalError('locked', 'x');
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('locked');
  });
});

describe.skipIf(process.platform === 'win32')('file modes (issue 11: the journal holds the token and admin key)', () => {
  if (process.platform === 'win32') console.warn('journal-file.test.ts: file modes skipped on Windows (no POSIX modes)');
  const modeOf = (p: string): number => fs.statSync(p).mode & 0o777;

  it('a new journal is 0600 in a 0700 folder; an older, readable one is tightened on open; compaction keeps 0600', async () => {
    const fresh = path.join(tmpDir(), 'journal');
    await withFile(fresh, [{ k: 'seq', next: 1 }]);
    expect(modeOf(fresh)).toBe(0o700);
    expect(modeOf(path.join(fresh, JOURNAL_FILE))).toBe(0o600);

    const old = path.join(tmpDir(), 'journal');
    fs.mkdirSync(old, { mode: 0o755 });
    fs.chmodSync(old, 0o755);
    fs.writeFileSync(path.join(old, JOURNAL_FILE), encodeLine({ k: 'seq', next: 1 }), { mode: 0o644 });
    fs.chmodSync(path.join(old, JOURNAL_FILE), 0o644);
    const { file } = await JournalFile.open(old);
    expect(modeOf(old)).toBe(0o700);
    expect(modeOf(path.join(old, JOURNAL_FILE))).toBe(0o600);
    await file.compact([{ k: 'seq', next: 2 }]);
    expect(modeOf(path.join(old, JOURNAL_FILE))).toBe(0o600);
    await file.close();
  });
});
