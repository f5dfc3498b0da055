/**
 * P32 in the clustered engine: revocations in one sorted set shared by every node (member
 * `eventId\0clientId`, score = until in ms), announced over Pub/Sub so every node closes the
 * client's live connections. Each revoke first drops lapsed members, so the set holds only
 * revocations whose tokens could still be live. A node whose Pub/Sub link dropped may have missed
 * announcements: on every (re)connect it replays all revocations still in force. Hello reads
 * the set itself, so a missed message never lets a revoked token in; while Redis is down it
 * answers from what this node has written, heard and replayed (no revoke can be written
 * meanwhile, and the replay on reconnect fills any gap), so sessions still open. With replicas to wait for
 * (Sentinel), a revoke resolves only once they have it, as an append does: a failover cannot
 * take back a revocation the admin was told about.
 */
import { z } from 'zod';
import { Revocation, RevocationListeners, type RevocationListener } from '../revocations';
import type { KeySpace } from './keys';
import { script, type LuaScript } from './scripts';

/** KEYS: revocations. ARGV: member, until, now, channel, message. Keeps the later `until`. */
const REVOKE = script(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local prev = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) > prev then redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`);

/** KEYS: revocations. ARGV: member. The member's until, or false. */
const REVOKED_UNTIL = script(`return redis.call('ZSCORE', KEYS[1], ARGV[1])`);

/** KEYS: revocations. ARGV: now. Members still in force, with their until. */
const IN_FORCE = script(`return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'WITHSCORES')`);

const Announcement = Revocation.extend({ node: z.string() });

const member = (eventId: string, clientId: string): string => `${eventId}\u0000${clientId}`;

export interface RevocationStoreDeps {
  node: string;
  keys: KeySpace;
  run(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  /** Like `run`, for the one write: resolves only once the engine's required replicas have it. */
  write(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  now(): number;
  onError(err: unknown): void;
}

/** Revocations this node knows of, kept only while in force (pruned as new ones arrive). */
const KNOWN_MAX = 100_000;

export class RedisRevocations {
  private readonly listeners = new RevocationListeners();
  private readonly known = new Map<string, number>();

  constructor(private readonly deps: RevocationStoreDeps) {}

  private remember(r: Revocation): void {
    const key = member(r.eventId, r.clientId);
    this.known.set(key, Math.max(r.until, this.known.get(key) ?? 0));
    if (this.known.size > KNOWN_MAX) {
      const now = this.deps.now();
      for (const [k, until] of this.known) if (until <= now) this.known.delete(k);
      // Still over: drop the oldest entries; Redis stays the authority whenever it answers.
      for (const k of this.known.keys()) {
        if (this.known.size <= KNOWN_MAX) break;
        this.known.delete(k);
      }
    }
  }

  async revoke(r: Revocation): Promise<void> {
    const { keys, node } = this.deps;
    const message = JSON.stringify({ ...r, node });
    await this.deps.write(REVOKE, [keys.revocations], [member(r.eventId, r.clientId), String(r.until), String(this.deps.now()), keys.revocationChannel, message]);
    this.remember(r);
    // This node's connections close now, not after a round trip through Pub/Sub (its echo is ignored).
    this.listeners.emit(r, this.deps.onError);
  }

  async isRevoked(eventId: string, clientId: string): Promise<boolean> {
    const key = member(eventId, clientId);
    let until: unknown;
    try {
      until = await this.deps.run(REVOKED_UNTIL, [this.deps.keys.revocations], [key]);
    } catch {
      // Redis is down: a hello must still be answered (the hub keeps serving sessions, P34).
      until = this.known.get(key);
    }
    return until !== null && until !== undefined && Number(until) > this.deps.now();
  }

  onRevoked(listener: RevocationListener): () => void {
    return this.listeners.add(listener);
  }

  /** A Pub/Sub message on the revocation channel; malformed ones are ignored (one warning). */
  heard(message: string): void {
    let parsed: z.infer<typeof Announcement>;
    try {
      parsed = Announcement.parse(JSON.parse(message));
    } catch (err) {
      return this.deps.onError(new Error(`ignored a malformed revocation announcement: ${(err as Error).message.slice(0, 120)}`));
    }
    if (parsed.node === this.deps.node) return;
    const { node: _node, ...r } = parsed;
    this.remember(r);
    this.listeners.emit(r, this.deps.onError);
  }

  /** After the Pub/Sub link (re)connected: tell listeners every revocation still in force. */
  async replay(): Promise<void> {
    const reply = await this.deps.run(IN_FORCE, [this.deps.keys.revocations], [String(this.deps.now())]);
    const flat = Array.isArray(reply) ? reply.map(String) : [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const [eventId, clientId] = (flat[i] as string).split('\u0000');
      const r = Revocation.safeParse({ eventId, clientId, until: Number(flat[i + 1]) });
      if (r.success) {
        this.remember(r.data);
        this.listeners.emit(r.data, this.deps.onError);
      }
    }
  }
}
