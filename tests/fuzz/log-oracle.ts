/**
 * The event's log, folded once with the domain reducer: what every frame the hub sent must agree
 * with (DESIGN.md: state is a pure fold of the log). A snapshot is the view at its serial, a patch
 * takes the view at `base` to the view at `serial` (P18, P19), `hash` is that view's hash (P26),
 * an ack names the entry at its serial with the reducer's own outcome (P12, P14), and every log or
 * history entry is the log's entry at that serial (P17).
 */
import { apply, audienceView, initialState, staffView, type EventMetaInput, type EventState, type LogEntry } from '../../src/shared/domain';
import { stateHash } from '../../src/shared/integrity';
import { applyPatch, deepEqual } from '../../src/shared/json-patch';
import type { PatchOp, WireEntry } from '../../src/shared/protocol';

type View = 'staff' | 'audience';

export class LogOracle {
  /** states[s]: the state after serial s; outcomes[s]: what applying entry s did. */
  private readonly states: EventState[];
  private readonly outcomes: Array<{ applied: boolean; reason?: string }> = [{ applied: false }];
  private readonly views = new Map<string, unknown>();
  /** Frames checked, by kind (`sync:patch`, `ack`...). */
  readonly checked = new Map<string, number>();

  constructor(
    meta: EventMetaInput,
    readonly log: readonly WireEntry[],
  ) {
    this.states = [initialState(meta)];
    for (const e of log) {
      const r = apply(this.states[this.states.length - 1] as EventState, e as LogEntry);
      this.states.push(r.state);
      this.outcomes.push(r.applied ? { applied: true } : { applied: false, reason: r.reason });
    }
  }

  /** The view at `serial`, as JSON (what a frame carries). */
  view(view: View, serial: number): unknown {
    const key = `${view}@${serial}`;
    let v = this.views.get(key);
    if (v === undefined) {
      const state = this.states[serial];
      if (!state) throw new Error(`no serial ${serial} in a log of ${this.log.length}`);
      v = JSON.parse(JSON.stringify(view === 'staff' ? staffView(state) : audienceView(state)));
      this.views.set(key, v);
    }
    return v;
  }

  /** What is wrong with one frame the hub sent to `clientId`, or null. */
  problem(text: string, clientId: string | null): string | null {
    const f = JSON.parse(text) as Record<string, unknown>;
    const serial = f.serial as number;
    const kind = f.t === 'sync' ? `sync:${f.patch === undefined ? 'snapshot' : 'patch'}` : String(f.t);
    if (['sync:snapshot', 'sync:patch', 'ack', 'log', 'history'].includes(kind)) this.checked.set(kind, (this.checked.get(kind) ?? 0) + 1);
    if (f.t === 'sync') {
      const view = f.view as View;
      if (serial > this.log.length) return `sync at serial ${serial}, past the log's ${this.log.length}`;
      const want = this.view(view, serial);
      if (f.snapshot !== undefined && !deepEqual(f.snapshot, want)) return `${view} snapshot at ${serial} is not the fold of the log`;
      if (f.patch !== undefined) {
        const r = applyPatch(this.view(view, f.base as number), f.patch as PatchOp[]);
        if (!r.ok) return `${view} patch ${f.base}→${serial} does not apply to the fold at ${f.base}: ${r.error}`;
        if (!deepEqual(r.doc, want)) return `${view} patch ${f.base}→${serial} does not lead to the fold at ${serial}`;
      }
      if (f.hash !== undefined && f.hash !== stateHash(want)) return `${view} hash at ${serial} is not the hash of the fold`;
    }
    if (f.t === 'ack') {
      const e = this.log[serial - 1];
      if (!e || e.id !== f.id || e.clientId !== clientId) return `ack ${String(f.id)} names serial ${serial}, which holds ${JSON.stringify(e && { id: e.id, clientId: e.clientId })}`;
      const o = this.outcomes[serial];
      if (o?.applied !== f.applied || o?.reason !== f.reason) return `ack ${String(f.id)} says applied=${String(f.applied)} ${String(f.reason)}, the reducer says ${JSON.stringify(o)}`;
    }
    if (f.t === 'log' || f.t === 'history') {
      for (const e of f.entries as WireEntry[]) if (!deepEqual(e, this.log[e.serial - 1])) return `${f.t} entry ${e.serial} differs from the log`;
    }
    return null;
  }
}
