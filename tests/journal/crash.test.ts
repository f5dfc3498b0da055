/**
 * The journal survives SIGKILL at any moment: a real child process enqueues and acks as fast
 * as it can (8 writers, group commit, compaction every ~150 dead records) and is killed 50
 * times at random moments in the same folder. Each reopen must succeed (taking over the
 * killed process's lock), return no damaged record, and hold every action and ack whose
 * append had resolved; sequence numbers never repeat.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../../src/main/core/journal/journal';
import { payloadIsIntact } from './fixtures/payload';
import { spawnChild } from './fixtures/spawn-child';

const KILLS = 50;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-crash-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const seqOf = (id: string): number => Number(id.slice(id.lastIndexOf(':') + 1));

describe('journal under SIGKILL', () => {
  it(
    'reopens after 50 random kills with every durable action and ack, nothing damaged, ids never reused',
    async () => {
      const everPrinted = new Set<string>();
      const settledByTest = new Set<string>();
      let consoleId: string | null = null;
      let compactions = 0;
      let tornTails = 0;
      let checkedEnqueues = 0;
      let maxSeq = 0;
      const t0 = Date.now();

      for (let run = 0; run < KILLS; run++) {
        const child = spawnChild('journal', dir);
        await child.waitFor((l) => l.startsWith('E '));
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 280)); // the random moment
        await child.kill();

        const enq = child.lines.filter((l) => l.startsWith('E ')).map((l) => l.slice(2));
        const acked = new Set(child.lines.filter((l) => l.startsWith('A ')).map((l) => l.slice(2)));
        compactions += child.lines.filter((l) => l === 'c').length;
        expect(enq.length).toBeGreaterThan(0);

        const j = await Journal.open(dir);
        try {
          // the lock of the dead child was taken over, and the file was never damaged mid-way
          expect(j.report.tookOverLockFrom?.pid).toBe(child.pid);
          expect(j.report.corrupt).toEqual([]);
          expect(j.report.unknownRecords).toBe(0);
          if (j.report.truncatedBytes > 0) tornTails++;
          consoleId ??= j.consoleId;
          expect(j.consoleId).toBe(consoleId);

          const pending = j.pending();
          const pendingIds = new Set(pending.map((p) => p.id));
          // in order, no duplicates, every payload intact
          expect(pendingIds.size).toBe(pending.length);
          for (let i = 1; i < pending.length; i++) expect(pending[i]!.seq).toBeGreaterThan(pending[i - 1]!.seq);
          for (const p of pending) expect(payloadIsIntact(p.data), `payload of ${p.id}`).toBe(true);
          for (const e of j.recent(1_000)) expect(payloadIsIntact(e.data), `payload of ${e.id}`).toBe(true);

          for (const id of enq) {
            // ids are never handed out twice, not even across crashes and compactions
            expect(everPrinted.has(id), `id ${id} reused`).toBe(false);
            everPrinted.add(id);
            maxSeq = Math.max(maxSeq, seqOf(id));
            // the child acks only even seqs: an odd one whose enqueue resolved must be pending
            if (seqOf(id) % 2 === 1) expect(pendingIds.has(id), `durable action ${id} lost`).toBe(true);
            checkedEnqueues++;
          }
          // an ack whose append resolved is never undone
          for (const id of acked) expect(pendingIds.has(id), `durable ack of ${id} lost`).toBe(false);
          for (const id of settledByTest) expect(pendingIds.has(id)).toBe(false);

          // settle what is left so the journal does not grow run after run
          await Promise.all(pending.map((p) => j.markAcked({ t: 'ack', id: p.id, serial: p.seq, applied: true, dup: true })));
          for (const p of pending) settledByTest.add(p.id);
        } finally {
          await j.close();
        }
      }

      // the next id continues after the largest ever handed out
      const j = await Journal.open(dir);
      const next = await j.enqueue('ev1', 'chat.send', null);
      await j.close();
      expect(seqOf(next.id)).toBeGreaterThan(maxSeq);
      expect(compactions).toBeGreaterThan(0);
      console.log(
        `[crash] ${KILLS} kills in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${checkedEnqueues} durable enqueues checked, ` +
          `${compactions} compactions completed in the children, ${tornTails} reopens dropped a torn tail`,
      );
    },
    // Fifty process starts: generous, since a loaded 2-core CI machine starts each child slowly.
    300_000,
  );
});
