/** The event log as it streams in, and the core's notices. */
import type { WireEntry } from '../../../../shared/protocol/frames';

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
  at: number;
}

export interface LogSlice {
  /** Newest last, bounded (LOG_KEEP). */
  log: WireEntry[];
  notices: Notice[];
}

export const createLogSlice = (): LogSlice => ({ log: [], notices: [] });
