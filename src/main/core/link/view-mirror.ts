/**
 * ViewMirror: one view's current JSON, kept in step by `sync` frames (P18, P19). A snapshot
 * replaces it; a patch applies only on top of its own `base` in the same epoch. Anything
 * else means this copy is not where the hub thinks it is, so it re-subscribes through the
 * Link with its own serial (P19) or, when that serial is useless, with none (a snapshot).
 */
import { applyPatch } from '../../../shared/json-patch';
import type { SyncFrame, SyncView } from '../../../shared/protocol';
import type { ViewCursor } from './subscriptions';

/** The part of Link a mirror needs (Link satisfies it). */
export interface Resubscriber {
  subscribe(view: SyncView, from?: ViewCursor): void;
}

export type MirrorOutcome =
  | { ok: true; serial: number }
  | {
      ok: false;
      /**
       * other_view: not this mirror's frame, ignored. resyncing: ignored while a resync asked for
       * earlier is pending. Otherwise a resync was just requested: not_at_base (since = own serial),
       * no_snapshot / epoch_changed / patch_failed (no since: a fresh snapshot).
       */
      code: 'other_view' | 'resyncing' | 'not_at_base' | 'no_snapshot' | 'epoch_changed' | 'patch_failed';
      message: string;
    };

export class ViewMirror {
  private current: unknown = undefined;
  private at: number | undefined;
  private epochOf: string | undefined;
  /** Set between asking for a resync and receiving a frame that fits; stops one gap causing a storm of subs. */
  private resyncing = false;

  constructor(
    readonly view: SyncView,
    private readonly link: Resubscriber,
  ) {}

  /** The view's JSON at `serial`; undefined before the first snapshot. */
  get doc(): unknown {
    return this.current;
  }

  get serial(): number | undefined {
    return this.at;
  }

  get epoch(): string | undefined {
    return this.epochOf;
  }

  apply(frame: SyncFrame): MirrorOutcome {
    if (frame.view !== this.view) return { ok: false, code: 'other_view', message: `frame for ${frame.view}` };
    if (!('patch' in frame)) {
      this.current = frame.snapshot;
      this.at = frame.serial;
      this.epochOf = frame.epoch;
      this.resyncing = false;
      return { ok: true, serial: frame.serial };
    }
    if (this.at === undefined) return this.resync('no_snapshot', 'a patch arrived before any snapshot', {});
    if (frame.epoch !== this.epochOf)
      return this.resync('epoch_changed', `patch epoch ${frame.epoch}, mirror epoch ${this.epochOf}`, {});
    if (frame.base !== this.at)
      return this.resync('not_at_base', `patch base ${frame.base}, mirror at ${this.at}`, { since: this.at, epoch: this.epochOf });
    const result = applyPatch(this.current, frame.patch);
    if (!result.ok) return this.resync('patch_failed', result.error, {}, true);
    this.current = result.doc;
    this.at = frame.serial;
    this.resyncing = false;
    return { ok: true, serial: frame.serial };
  }

  private resync(
    code: 'not_at_base' | 'no_snapshot' | 'epoch_changed' | 'patch_failed',
    message: string,
    from: ViewCursor,
    force = false,
  ): MirrorOutcome {
    // A patch that fits the base but not the document means the document is wrong: ask even while resyncing.
    if (this.resyncing && !force) return { ok: false, code: 'resyncing', message };
    this.resyncing = true;
    this.link.subscribe(this.view, from);
    return { ok: false, code, message };
  }
}
