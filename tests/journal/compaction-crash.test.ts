/**
 * A kill during compaction leaves the old file or the new one, each complete. A real child
 * keeps 4 writers appending to a 20,000-record file while it compacts every 100 ms; the test
 * kills it the moment journal.jsonl.tmp appears (mid-compaction) in most runs, at a random
 * moment in the others, then checks every record whose append had resolved is there once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, JournalFile } from '../../src/main/core/journal/journal-file';
import { payloadIsIntact } from './fixtures/payload';
import { spawnChild } from './fixtures/spawn-child';

const RUNS = 12;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-compact-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Polls (without a fixed sleep deciding correctness) until the .tmp file exists. */
async function tmpAppears(limitMs: number): Promise<boolean> {
  const tmp = path.join(dir, `${JOURNAL_FILE}.tmp`);
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (fs.existsSync(tmp)) return true;
    await new Promise((r) => setImmediate(r));
  }
  return false;
}

describe('kill during compaction', () => {
  it(
    'leaves the old or the new file, complete, every durable record present exactly once',
    async () => {
      const durable = new Set<number>();
      let midCompaction = 0;
      for (let run = 0; run < RUNS; run++) {
        const child = spawnChild('file', dir);
        await child.waitFor((l) => l.startsWith('W '));
        if (run % 4 === 3) await new Promise((r) => setTimeout(r, 20 + Math.random() * 280));
        else {
          await child.waitFor((l) => l.startsWith('C '));
          await tmpAppears(5_000);
        }
        await child.kill();
        for (const l of child.lines) if (l.startsWith('W ')) durable.add(Number(l.slice(2)));

        const { file, records, report } = await JournalFile.open(dir);
        await file.close();
        if (report.removedTmp) midCompaction++;
        expect(report.corrupt).toEqual([]);
        const seen = new Set<number>();
        for (const r of records) {
          if (typeof r.gen === 'number') continue;
          expect(payloadIsIntact(r), JSON.stringify(r)).toBe(true);
          expect(seen.has(Number(r.n)), `duplicate ${String(r.n)}`).toBe(false);
          seen.add(Number(r.n));
        }
        for (const n of durable) expect(seen.has(n), `durable record ${n} lost (run ${run})`).toBe(true);
        expect(seen.size).toBeGreaterThanOrEqual(20_000);
      }
      console.log(`[compaction-crash] ${RUNS} kills, ${midCompaction} landed while the .tmp existed (old file kept), ${durable.size} durable appends checked`);
      // the test must have exercised the case it is about
      expect(midCompaction).toBeGreaterThan(0);
    },
    // Many process starts: generous, since a loaded 2-core CI machine starts each child slowly.
    300_000,
  );
});
