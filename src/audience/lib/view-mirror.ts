/**
 * One view kept in step with the hub (P18, P19): a snapshot replaces it, a patch applies only
 * on top of its own `base`; anything else asks the caller to re-subscribe from where it is.
 */
import { applyPatch } from '../../shared/json-patch';
import type { SyncFrame } from '../../shared/protocol';

export type MirrorResult =
  | { kind: 'changed' }
  /** Re-send `sub` with these fields (since/epoch omitted when a fresh snapshot is needed). */
  | { kind: 'resubscribe'; since?: number; epoch?: string };

export class ViewMirror {
  private serialV: number | null = null;
  private epochV: string | null = null;
  private docV: unknown = null;

  get serial(): number | null {
    return this.serialV;
  }
  get epoch(): string | null {
    return this.epochV;
  }
  get doc(): unknown {
    return this.docV;
  }

  /** What to put in `sub` to resume (P18); nothing when the held epoch is not the hub's. */
  resumeFields(hubEpoch?: string): { since?: number; epoch?: string } {
    if (this.serialV === null || this.epochV === null) return {};
    if (hubEpoch !== undefined && hubEpoch !== this.epochV) return {};
    return { since: this.serialV, epoch: this.epochV };
  }

  apply(frame: SyncFrame): MirrorResult {
    if ('snapshot' in frame) {
      this.serialV = frame.serial;
      this.epochV = frame.epoch;
      this.docV = frame.snapshot;
      return { kind: 'changed' };
    }
    if (frame.epoch !== this.epochV) {
      // P15: another epoch's serials mean nothing here: take a snapshot.
      this.reset();
      return { kind: 'resubscribe' };
    }
    if (this.serialV !== frame.base) return { kind: 'resubscribe', ...this.resumeFields() };
    const r = applyPatch(this.docV, frame.patch);
    if (!r.ok) {
      this.reset();
      return { kind: 'resubscribe' };
    }
    this.docV = r.doc;
    this.serialV = frame.serial;
    return { kind: 'changed' };
  }

  reset(): void {
    this.serialV = null;
    this.epochV = null;
  }
}
