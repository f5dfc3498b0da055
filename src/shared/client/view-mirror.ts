/**
 * ViewMirror: one view's current JSON, kept in step by `sync` frames (P18, P19). A snapshot
 * replaces it; a patch applies only on top of its own `base` in the same epoch. Anything else
 * means this copy is not where the hub thinks it is: the outcome names the cursor to
 * re-subscribe with, its own serial (P19) or, when that serial is useless, none (a snapshot).
 * Pure: the caller sends the `sub`. Hooks: `verify` runs after every apply (P26's hash check),
 * and a mismatch counts and asks for a fresh snapshot.
 */
import { applyPatch } from '../json-patch';
import type { SyncFrame, SyncView } from '../protocol/frames';

export interface ViewCursor {
  /** The last serial held for the view. */
  since?: number;
  /** The log epoch that serial belongs to (P15). */
  epoch?: string;
}

export interface ViewState {
  doc: unknown;
  serial: number;
  epoch: string;
}

export type MirrorCode = 'other_view' | 'resyncing' | 'not_at_base' | 'no_snapshot' | 'epoch_changed' | 'patch_failed' | 'hash_mismatch';

export type MirrorOutcome =
  | { ok: true; serial: number; kind: 'snapshot' | 'patch' }
  | {
      ok: false;
      /**
       * other_view: not this mirror's frame. resyncing: ignored while an earlier resync is pending.
       * Otherwise `resubscribe` holds the cursor to ask with: not_at_base (own serial),
       * no_snapshot / epoch_changed / patch_failed / hash_mismatch (none: a fresh snapshot).
       */
      code: MirrorCode;
      message: string;
      resubscribe?: ViewCursor;
    };

export type PatchResult = { ok: true; doc: unknown } | { ok: false; error: string };

export interface MirrorHooks {
  /** After a frame applied: false means the state is not the hub's (P26); the mirror resyncs. */
  verify?: (state: ViewState, frame: SyncFrame) => boolean;
  /**
   * Applies a patch frame that fits this mirror's base. Default: json-patch on the document.
   * Thousands of mirrors in one process (the simulator) share one result per (epoch, base, serial).
   */
  patch?: (doc: unknown, frame: Extract<SyncFrame, { patch: unknown }>) => PatchResult;
}

const defaultPatch = (doc: unknown, frame: Extract<SyncFrame, { patch: unknown }>): PatchResult => {
  const r = applyPatch(doc, frame.patch);
  return r.ok ? { ok: true, doc: r.doc } : { ok: false, error: String(r.error) };
};

export class ViewMirror {
  private current: ViewState | null = null;
  /** Set between asking for a resync and receiving a frame that fits; stops one gap causing a storm of subs. */
  private resyncing = false;
  /** Applied states whose verify hook said no. */
  mismatches = 0;

  constructor(
    readonly view: SyncView,
    private readonly hooks: MirrorHooks = {},
  ) {}

  get state(): ViewState | null {
    return this.current;
  }

  /** What to put in `sub` to resume (P18). */
  cursor(): ViewCursor {
    return this.current ? { since: this.current.serial, epoch: this.current.epoch } : {};
  }

  /** Start from a state kept from an earlier run (the console's cache): shown at once, resumed by patch. */
  seed(state: ViewState): void {
    this.current = { ...state };
    this.resyncing = false;
  }

  /** Forget the state (another event): the next frame that fits is a snapshot. */
  clear(): void {
    this.current = null;
    this.resyncing = false;
  }

  apply(frame: SyncFrame): MirrorOutcome {
    if (frame.view !== this.view) return { ok: false, code: 'other_view', message: `frame for ${frame.view}` };
    if (!('patch' in frame)) {
      this.current = { doc: frame.snapshot, serial: frame.serial, epoch: frame.epoch };
      this.resyncing = false;
      return this.verified(frame, 'snapshot');
    }
    const cur = this.current;
    if (!cur) return this.resync('no_snapshot', 'a patch arrived before any snapshot', {});
    if (frame.epoch !== cur.epoch) return this.resync('epoch_changed', `patch epoch ${frame.epoch}, mirror epoch ${cur.epoch}`, {});
    if (frame.base !== cur.serial) return this.resync('not_at_base', `patch base ${frame.base}, mirror at ${cur.serial}`, this.cursor());
    const result = (this.hooks.patch ?? defaultPatch)(cur.doc, frame);
    // A patch that fits the base but not the document means the document is wrong: ask even while resyncing.
    if (!result.ok) return this.resync('patch_failed', result.error, {}, true);
    this.current = { doc: result.doc, serial: frame.serial, epoch: frame.epoch };
    this.resyncing = false;
    return this.verified(frame, 'patch');
  }

  private verified(frame: SyncFrame, kind: 'snapshot' | 'patch'): MirrorOutcome {
    const state = this.current as ViewState;
    if (this.hooks.verify && !this.hooks.verify(state, frame)) {
      this.mismatches++;
      this.current = null;
      return this.resync('hash_mismatch', `state at ${frame.serial} does not match the hub's hash`, {}, true);
    }
    return { ok: true, serial: frame.serial, kind };
  }

  private resync(code: Exclude<MirrorCode, 'other_view' | 'resyncing'>, message: string, from: ViewCursor, force = false): MirrorOutcome {
    if (this.resyncing && !force) return { ok: false, code: 'resyncing', message };
    this.resyncing = true;
    return { ok: false, code, message, resubscribe: from };
  }
}
