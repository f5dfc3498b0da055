/**
 * Redis key names. Everything about one event carries the hash tag `{<eventId>}` so it lives
 * in one Redis Cluster slot and one Lua script may touch all of it atomically; the meta key
 * carries the tag too, so the publish script can tell "log lost" from "event gone" (P15).
 * Only the join-code index, the event list and P32's revocations are global keys.
 */

// Portable ids (same rule as the embedded engine) and no braces, which would break the tag.
const EVENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const isStorableEventId = (eventId: string): boolean => EVENT_ID.test(eventId);

export interface EventKeys {
  /** JSON EventMeta; its presence is what makes the event exist. */
  meta: string;
  /** Stream: one message per entry, id `<serial>-0`, field `e` = entry JSON without serial. */
  log: string;
  /** String: last serial given out. */
  seq: string;
  /** Hash: `clientId\0id` → serial, for the life of the event (P14). */
  dedupe: string;
  /**
   * String: the highest serial the required replicas confirmed (WAIT). Tails and reads stop
   * there, so no node shows an entry a failover could still take back. Without replicas to
   * wait for it equals `seq`; absent in logs older than it, where `seq` stands in.
   */
  committed: string;
  /** String: P15's epoch. */
  epoch: string;
  /** String: issue 18's state snapshot, `<header JSON>\n<payload>` (redis-engine.ts saveState). */
  state: string;
  /** Set of node names that reported presence (pruned when their sample expired). */
  nodes: string;
  /** Pub/Sub channel: "<epoch> <lastSerial>" after every append (a wake-up, not the data). */
  channel: string;
  /** A node's presence sample (JSON, with a TTL). */
  presence: (node: string) => string;
}

export class KeySpace {
  constructor(readonly prefix = 'sc:') {}

  event(eventId: string): EventKeys {
    const p = this.prefix;
    const tag = `{${eventId}}`;
    return {
      meta: `${p}event:${tag}`,
      log: `${p}${tag}:log`,
      seq: `${p}${tag}:seq`,
      dedupe: `${p}${tag}:dedupe`,
      epoch: `${p}${tag}:epoch`,
      state: `${p}${tag}:state`,
      committed: `${p}${tag}:committed`,
      nodes: `${p}${tag}:nodes`,
      channel: `${p}${tag}:pub`,
      presence: (node) => `${p}${tag}:presence:${node}`,
    };
  }

  code(joinCode: string): string {
    return `${this.prefix}code:${joinCode}`;
  }

  get events(): string {
    return `${this.prefix}events`;
  }

  /** P32: sorted set, member `eventId\0clientId`, score = until (ms); one key for the deployment. */
  get revocations(): string {
    return `${this.prefix}revocations`;
  }

  /** P32: Pub/Sub channel announcing each revocation to every node. */
  get revocationChannel(): string {
    return `${this.prefix}revocations:pub`;
  }
}

export const dedupeField = (clientId: string, id: string): string => `${clientId}\0${id}`;
