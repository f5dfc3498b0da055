/** The journal's outbox entries as the console contract shows them (console-api.ts OutboxItem). */
import type { OutboxItem, OutboxState } from '../../shared/console-api';
import type { OutboxEntry } from './journal';

const STATE: Record<OutboxEntry['state'], OutboxState> = { queued: 'queued', sent: 'sent', acked: 'acknowledged', failed: 'refused' };

export function toOutboxItem(e: OutboxEntry): OutboxItem {
  return {
    id: e.id,
    eventId: e.eventId,
    name: e.name,
    data: e.data,
    state: STATE[e.state],
    queuedAt: e.queuedAt,
    serial: e.serial ?? null,
    reason: e.state === 'failed' ? `${e.code ?? 'refused'}: ${e.reason ?? ''}`.replace(/: $/, '') : (e.reason ?? null),
    applied: e.state === 'acked' ? (e.applied ?? true) : null,
    dup: e.dup ?? false,
  };
}
