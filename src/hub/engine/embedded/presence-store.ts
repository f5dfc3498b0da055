/**
 * Presence for one hub process: each node's latest sample per event, forgotten after
 * PRESENCE_TTL_MS without a report (a node that died stops counting by itself).
 */
import type { PresenceSample } from '../engine';

export const PRESENCE_TTL_MS = 15_000;

export class PresenceStore {
  private readonly byEvent = new Map<string, Map<string, { sample: PresenceSample; at: number }>>();

  constructor(private readonly now: () => number) {}

  report(eventId: string, sample: PresenceSample): void {
    let nodes = this.byEvent.get(eventId);
    if (!nodes) this.byEvent.set(eventId, (nodes = new Map()));
    nodes.set(sample.node, { sample: { node: sample.node, online: sample.online, connections: sample.connections }, at: this.now() });
  }

  live(eventId: string): PresenceSample[] {
    const nodes = this.byEvent.get(eventId);
    if (!nodes) return [];
    const cutoff = this.now() - PRESENCE_TTL_MS;
    const out: PresenceSample[] = [];
    for (const [node, { sample, at }] of nodes) {
      if (at > cutoff) out.push({ ...sample });
      else nodes.delete(node);
    }
    if (nodes.size === 0) this.byEvent.delete(eventId);
    return out;
  }
}
