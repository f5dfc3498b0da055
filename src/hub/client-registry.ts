/**
 * P33 per-client bounds, on one hub node: who is connected as which (event, clientId), at most
 * 4 concurrent audience connections each, and P24's rate limit per clientId across all of its
 * connections (the same token bucket as per connection, keyed; idle keys are forgotten).
 */
import { RATE, isStaff, type Role } from '../shared/protocol';
import { KeyedLimiter } from './rate-limit';

export const MAX_AUDIENCE_CONNECTIONS_PER_CLIENT = 4;

export interface ClientKey {
  readonly eventId: string | null;
  readonly clientId: string;
  readonly role: Role;
}

const keyOf = (c: ClientKey): string => `${c.eventId ?? ''}\u0000${c.clientId}`;

export class ClientRegistry<C extends ClientKey> {
  private readonly byClient = new Map<string, Set<C>>();
  private readonly audienceRate = new KeyedLimiter(RATE.audience.perSec, RATE.audience.burst);
  private readonly staffRate = new KeyedLimiter(RATE.staff.perSec, RATE.staff.burst);

  constructor(private readonly maxAudienceConnections = MAX_AUDIENCE_CONNECTIONS_PER_CLIENT) {}

  /** Registers a connection that passed hello; false when its audience client already has the maximum. */
  admit(conn: C): boolean {
    const key = keyOf(conn);
    let set = this.byClient.get(key);
    if (set && !isStaff(conn.role) && set.size >= this.maxAudienceConnections) return false;
    if (!set) this.byClient.set(key, (set = new Set()));
    set.add(conn);
    return true;
  }

  release(conn: C): void {
    const key = keyOf(conn);
    const set = this.byClient.get(key);
    if (!set?.delete(conn)) return;
    if (set.size === 0) this.byClient.delete(key);
  }

  /** One frame's worth of the client's shared bucket (P24 per clientId). */
  take(conn: C, now: number): boolean {
    return (isStaff(conn.role) ? this.staffRate : this.audienceRate).take(keyOf(conn), now);
  }

  /** Every live connection of one client on this node (P32: revocation closes them). */
  connectionsOf(eventId: string, clientId: string): C[] {
    return [...(this.byClient.get(`${eventId}\u0000${clientId}`) ?? [])];
  }
}
