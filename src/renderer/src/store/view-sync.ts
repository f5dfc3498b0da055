/**
 * The renderer's copy of the staff view is the shared client's ViewMirror
 * (src/shared/client/view-mirror.ts), the same mirror the core holds: a snapshot replaces it; a
 * patch applies only on top of the exact serial and epoch it was made from (PROTOCOL.md
 * P18-P19). The core sends each view change once (`sync`: the patch it applied, or the state);
 * anything that does not fit asks the core for its copy (`view/get`) rather than showing a state
 * the hub never had.
 */
import { ViewMirror } from '../../../shared/client/view-mirror';
import type { SyncEvent } from '../../../shared/console-api';
import type { StaffView } from '../../../shared/domain/types';
import type { PatchOp, SyncFrame } from '../../../shared/protocol/frames';
import type { HeldView } from './slices/view-slice';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Just enough shape for the screens to render without guarding every field. */
export function isStaffView(doc: unknown): doc is StaffView {
  if (!isRecord(doc)) return false;
  const { event, polls, questions, quizzes, reactions, audience } = doc;
  return isRecord(event) && isRecord(polls) && isRecord(questions) && isRecord(quizzes) && isRecord(reactions) && isRecord(audience) && Array.isArray(doc.chat);
}

/** The staff-view mirror: an applied state that is not a staff view counts as a mismatch and resyncs. */
export const staffMirror = (): ViewMirror => new ViewMirror('staff', { verify: (state) => isStaffView(state.doc) });

/** The core's `sync` event as the hub frame it came from. */
export function syncFrameOf(ev: SyncEvent): SyncFrame {
  return ev.patch !== undefined
    ? { t: 'sync', view: 'staff', epoch: ev.epoch, serial: ev.serial, base: ev.base ?? -1, patch: ev.patch as PatchOp[] }
    : { t: 'sync', view: 'staff', epoch: ev.epoch, serial: ev.serial, snapshot: ev.snapshot };
}

/** What the mirror holds, as the store keeps it. */
export function heldOf(mirror: ViewMirror): HeldView | null {
  const s = mirror.state;
  return s && isStaffView(s.doc) ? { epoch: s.epoch, serial: s.serial, doc: s.doc } : null;
}

/** A `view/get` answer seeds the mirror unless it is older than what it already holds; true when it did. */
export function seedFetched(mirror: ViewMirror, got: { epoch: string; serial: number; doc: unknown } | null): boolean {
  if (!got || !isStaffView(got.doc)) return false;
  const held = mirror.state;
  if (held && held.epoch === got.epoch && held.serial > got.serial) return false;
  mirror.seed({ epoch: got.epoch, serial: got.serial, doc: got.doc });
  return true;
}
