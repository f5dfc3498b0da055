/** The overlay's state: the public audience view and the link phase, fed by the hub client. */
import { create } from 'zustand';
import type { AudienceView } from '../../shared/domain/types';
import type { LinkPhase } from '../lib/hub-link';

export interface OverlayState {
  view: AudienceView | null;
  phase: LinkPhase;
  detail: string | null;
}

export const useOverlay = create<OverlayState>(() => ({ view: null, phase: 'stopped', detail: null }));
