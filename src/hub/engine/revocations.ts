/**
 * P32 revocations: "refuse this client's tokens until `until`". Bounded by time: a revocation
 * only has to outlive the tokens it refuses, so it lapses once the longest token lifetime has
 * passed (api.ts sets `until`), and every store prunes lapsed ones when it writes.
 */
import { z } from 'zod';

export const Revocation = z.object({
  eventId: z.string().min(1).max(64),
  clientId: z.string().min(1).max(64),
  /** ms since the epoch; after it the revocation is forgotten (every token it refused has expired). */
  until: z.number().int().nonnegative(),
});
export type Revocation = z.infer<typeof Revocation>;

export type RevocationListener = (r: Revocation) => void;

const keyOf = (eventId: string, clientId: string): string => `${eventId}\u0000${clientId}`;

/** Revocations in memory, keyed by (eventId, clientId); lapsed ones are dropped by `prune`. */
export class RevocationSet {
  private readonly byKey = new Map<string, Revocation>();

  add(r: Revocation): void {
    const prev = this.byKey.get(keyOf(r.eventId, r.clientId));
    if (!prev || prev.until < r.until) this.byKey.set(keyOf(r.eventId, r.clientId), { ...r });
  }

  has(eventId: string, clientId: string, now: number): boolean {
    const r = this.byKey.get(keyOf(eventId, clientId));
    return r !== undefined && r.until > now;
  }

  prune(now: number): void {
    for (const [k, r] of this.byKey) if (r.until <= now) this.byKey.delete(k);
  }

  list(): Revocation[] {
    return [...this.byKey.values()].map((r) => ({ ...r }));
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** Listeners of one engine: `emit` tells each, and one throwing listener does not stop the rest. */
export class RevocationListeners {
  private readonly listeners = new Set<RevocationListener>();

  add(listener: RevocationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(r: Revocation, onError: (err: unknown) => void): void {
    for (const l of this.listeners) {
      try {
        l(r);
      } catch (err) {
        onError(err);
      }
    }
  }
}
