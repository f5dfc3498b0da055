/**
 * Advancing the held staff view by one `sync` event (PROTOCOL.md P18-P19): a snapshot replaces
 * it; a patch applies only on top of the exact serial and epoch it was made from. Anything else
 * asks for a fresh copy (`view/get`) rather than showing a state the hub never had.
 */
import type { SyncEvent } from '../../../shared/console-api';
import type { StaffView } from '../../../shared/domain/types';
import { applyPatch } from '../../../shared/json-patch';
import type { PatchOp } from '../../../shared/protocol/frames';
import type { HeldView } from './slices/view-slice';

export type SyncOutcome = { kind: 'ok'; view: HeldView } | { kind: 'resync'; why: string };

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Just enough shape for the screens to render without guarding every field. */
export function isStaffView(doc: unknown): doc is StaffView {
  if (!isRecord(doc)) return false;
  const { event, polls, questions, quizzes, reactions, audience } = doc;
  return isRecord(event) && isRecord(polls) && isRecord(questions) && isRecord(quizzes) && isRecord(reactions) && isRecord(audience) && Array.isArray(doc.chat);
}

export function applySync(held: HeldView | null, ev: SyncEvent): SyncOutcome {
  if (ev.snapshot !== undefined) {
    if (!isStaffView(ev.snapshot)) return { kind: 'resync', why: 'malformed snapshot' };
    return { kind: 'ok', view: { epoch: ev.epoch, serial: ev.serial, doc: ev.snapshot } };
  }
  if (!held) return { kind: 'resync', why: 'patch without a view' };
  if (held.epoch !== ev.epoch) return { kind: 'resync', why: 'epoch changed' };
  if (ev.base !== held.serial) return { kind: 'resync', why: `patch base ${String(ev.base)} ≠ held ${held.serial}` };
  const r = applyPatch(held.doc, (ev.patch ?? []) as PatchOp[]);
  if (!r.ok) return { kind: 'resync', why: r.error };
  if (!isStaffView(r.doc)) return { kind: 'resync', why: 'patch broke the view' };
  return { kind: 'ok', view: { epoch: ev.epoch, serial: ev.serial, doc: r.doc } };
}

/** A `view/get` answer replaces the held view unless it is older than what we already hold. */
export function acceptFetched(held: HeldView | null, got: { epoch: string; serial: number; doc: unknown } | null): HeldView | null {
  if (!got || !isStaffView(got.doc)) return null;
  if (held && held.epoch === got.epoch && held.serial > got.serial) return null;
  return { epoch: got.epoch, serial: got.serial, doc: got.doc };
}
