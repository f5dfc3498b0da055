/**
 * `npm run bench -- recovery`: how long a hub takes to reopen a 1,000,000-entry event (issue 18),
 * from its snapshots (log-index.snap + state.snap: load, check, fold the tail) against folding
 * the whole log (every line checked, the dedupe index rebuilt, every entry reduced), in the same
 * run over the same files. Each open is a new EmbeddedEngine (open() checks every event's log)
 * and an EventRuntime.open until the event is live.
 */
import os from 'node:os';
import { Histogram } from '../src/shared/histogram';
import { measureReopen, type ReopenRun } from './lib/engine-recovery';
import type { BenchModule } from './lib/report';

const stats = (runs: ReopenRun[], pick: (r: ReopenRun) => number): { p50: number; p99: number; min: number; max: number } => {
  const h = new Histogram();
  for (const r of runs) h.record(pick(r));
  const v = runs.map(pick);
  return { p50: h.quantile(0.5), p99: h.quantile(0.99), min: Math.min(...v), max: Math.max(...v) };
};

export const bench: BenchModule = {
  describe: 'reopening a 1,000,000-entry event: from its snapshots vs folding the whole log, same run',
  async run(ctx) {
    const entries = ctx.quick ? 100_000 : 1_000_000;
    const opens = ctx.quick ? 5 : 20;
    const fullOpens = ctx.quick ? 2 : 5;
    const load0 = os.loadavg()[0] ?? 0;
    ctx.log(`building a ${entries.toLocaleString('en-US')}-entry log`);
    const f = await measureReopen(entries, opens, fullOpens, ctx.log);
    const load1 = os.loadavg()[0] ?? 0;
    const snap = stats(f.withSnapshot, (r) => r.ms);
    const full = stats(f.fullFold, (r) => r.ms);
    const snapEngine = stats(f.withSnapshot, (r) => r.engineMs);
    const fullEngine = stats(f.fullFold, (r) => r.engineMs);
    const heap = (runs: ReopenRun[]): number => Math.round(Math.max(...runs.map((r) => r.heapMB)));
    const buffers = (runs: ReopenRun[]): number => Math.round(Math.max(...runs.map((r) => r.arrayBuffersMB)));
    if (!f.same) throw new Error('a reopen from the snapshots differs from the full fold');
    return [
      {
        title: 'Embedded engine: recovery of a large log',
        columns: ['entries', 'log MB', 'reopen', 'opens', 'p50 ms', 'p99 ms', 'min ms', 'max ms', 'engine open() p50 ms', 'heap MB after', 'ArrayBuffers MB after', 'vs full fold (p50)'],
        rows: [
          [entries, Math.round(f.logBytes / 2 ** 20), 'from snapshots', f.withSnapshot.length, snap.p50, snap.p99, snap.min, snap.max, snapEngine.p50, heap(f.withSnapshot), buffers(f.withSnapshot), `${(snap.p50 / full.p50).toFixed(3)}x`],
          [entries, Math.round(f.logBytes / 2 ** 20), 'full fold', f.fullFold.length, full.p50, full.p99, full.min, full.max, fullEngine.p50, heap(f.fullFold), buffers(f.fullFold), '1.000x'],
        ],
        notes: [
          `The log (bench/lib/engine-recovery.ts): a poll created and opened, then ballots from 40,000 audience clients (each changing its ballot), a chat message every 1,000 entries; ~170 bytes a line, 100 per batch, written in the engine's format.`,
          `Each open is a restart: a new EmbeddedEngine, open() (which checks every event's log, then closes it), then EventRuntime.open (the log reopened on demand, the state restored, the checkpoints for resuming the last 256 serials rebuilt), timed until the event is live. Opened with the snapshots, the engine still scans the log after the index snapshot and reads the newest 2,048 entries for its cache.`,
          `From snapshots: log-index.snap (${(f.indexSnapshotBytes / 2 ** 20).toFixed(1)} MB: every P14 dedupe key as a flat hash table, the sparse offsets) and state.snap (${(f.stateSnapshotBytes / 2 ** 20).toFixed(1)} MB: the folded state 256 entries back), each read, sha256-checked and matched against its line in the log; then only the tail is scanned and folded. Both snapshots were written by the first, full-fold open (engine.snapshotIndex, EventRuntime.snapshotNow), the same code the hub runs every --snapshot-every entries.`,
          'Full fold: the snapshots moved aside; every line read and checksummed, the dedupe index rebuilt as a Map, every entry read back and reduced in one batch. The first full-fold open is the one that wrote the snapshots (timed before writing them). The 2,241 ms of 2026-11-28 timed EmbeddedEngine.open() alone on a quiet machine; this column is the engine part here.',
          `Every reopen from snapshots gave the same serial, staff view and retained serials as the full fold (checked in the run). p99 over ${f.withSnapshot.length} and ${f.fullFold.length} opens is close to the max. Heap and ArrayBuffers (the snapshot's dedupe table lives outside the heap) are after a full GC, with the event open; every open starts after one too, as a new hub process starts with a clean heap.`,
          `One 2-core machine shared with other jobs; load average ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end.`,
        ],
      },
    ];
  },
};
