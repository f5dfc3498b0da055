/** The staff view (P20) as held by the renderer: replaced by snapshots, advanced by patches. */
import type { StaffView } from '../../../../shared/domain/types';
import type { CueChange } from '../stream-delay-mark';

export interface HeldView {
  epoch: string;
  serial: number;
  doc: StaffView;
}

export interface ViewSlice {
  view: HeldView | null;
  /** When the held view could not be advanced and a fresh copy was asked for. */
  resyncs: number;
  /** The newest cue change seen between two held views (the stream-delay mark measures against it). */
  cueChange: CueChange | null;
}

export const createViewSlice = (): ViewSlice => ({ view: null, resyncs: 0, cueChange: null });
