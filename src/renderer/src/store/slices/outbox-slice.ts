/** The console's outbox: every action it queued and what became of it. */
import type { OutboxItem } from '../../../../shared/console-api';

export interface OutboxSlice {
  /** Oldest first, bounded (OUTBOX_KEEP). */
  outbox: OutboxItem[];
  /** Actions not yet acknowledged or refused (queued or sent), for the top bar and banner. */
  pendingCount: number;
  /** Unsettled actions by the poll / question / quiz they act on, for "queued" badges. */
  pendingByTarget: ReadonlyMap<string, OutboxItem[]>;
}

export const createOutboxSlice = (): OutboxSlice => ({ outbox: [], pendingCount: 0, pendingByTarget: new Map() });
