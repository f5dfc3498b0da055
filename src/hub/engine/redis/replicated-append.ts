/**
 * The append a failover cannot take back: APPEND (uncommitted), then WAIT on the same
 * connection, then COMMIT. It resolves only once `minReplicas` replicas confirmed the batch;
 * anything less is `unavailable`. The entries may then stay in the log uncommitted (invisible:
 * tails and reads stop at the committed serial), and the retry with the same ids (P14) finds
 * them as duplicates and commits them.
 */
import type { AppendOutcome } from '../engine';
import { EngineError } from '../engine-error';
import type { EventKeys } from './keys';
import type { Commands, RedisLink } from './redis-link';
import { APPEND, COMMIT, type LuaScript } from './scripts';

export interface AppendReply {
  epoch: string;
  lastSerial: number;
  committed: number;
  outcomes: AppendOutcome[];
}

export interface ReplicatedDeps {
  link: RedisLink;
  /** Maps client failures to `unavailable` and bounds the time. */
  call<T>(fn: () => Promise<T>): Promise<T>;
  run(script: LuaScript, keys: string[], args: string[]): Promise<unknown>;
  minReplicas: number;
  waitTimeoutMs: number;
}

export interface ReplicatedBatch {
  eventId: string;
  keys: EventKeys;
  scriptKeys: string[];
  scriptArgs: string[];
  /** Each entry's dedupe field, in order. */
  fields: string[];
}

export const isNoScript = (err: unknown): boolean => err instanceof Error && err.message.startsWith('NOSCRIPT');

export const evalOn = (c: Commands, script: LuaScript, keys: string[], args: string[], source: boolean): Promise<unknown> =>
  source ? c.eval(script.source, { keys, arguments: args }) : c.evalSha(script.sha, { keys, arguments: args });

export function parseAppendReply(eventId: string, reply: unknown): AppendReply {
  if (!Array.isArray(reply) || reply[0] === 'unknown_event') throw new EngineError('unknown_event', `no event ${eventId}`);
  const [, epoch, last, committed] = reply as [string, string, number, number];
  const outcomes: AppendOutcome[] = [];
  for (let i = 4; i < reply.length; i += 2) outcomes.push({ serial: Number(reply[i]), dup: reply[i + 1] === 1 });
  return { epoch: String(epoch), lastSerial: Number(last), committed: Number(committed), outcomes };
}

export async function appendReplicated(deps: ReplicatedDeps, batch: ReplicatedBatch): Promise<AppendReply> {
  const { keys: k, scriptKeys, scriptArgs } = batch;
  const attempt = (source: boolean): Promise<{ reply: unknown; replicas: number }> =>
    deps.call(() => deps.link.writeThenWait((c) => evalOn(c, APPEND, scriptKeys, scriptArgs, source), deps.minReplicas, deps.waitTimeoutMs));
  // A promoted replica has no script cache: EVAL sends the source, inside the same pipeline as its WAIT.
  const w = await attempt(false).catch((err: unknown) => (isNoScript((err as { cause?: unknown }).cause) ? attempt(true) : Promise.reject(err)));
  const r = parseAppendReply(batch.eventId, w.reply);
  if (w.replicas < deps.minReplicas) {
    throw new EngineError('unavailable', `only ${w.replicas} of ${deps.minReplicas} Redis replicas confirmed the append within ${deps.waitTimeoutMs} ms; retry with the same ids`);
  }
  // COMMIT checks that the batch's newest entry is on the server it commits on.
  let check: { field: string; serial: number } | null = null;
  for (const [i, o] of r.outcomes.entries()) {
    const field = batch.fields[i];
    if (field !== undefined && (!check || o.serial > check.serial)) check = { field, serial: o.serial };
  }
  const c = await deps.run(COMMIT, [k.epoch, k.committed, k.dedupe, k.seq], [k.channel, r.epoch, String(r.lastSerial), check?.field ?? '', String(check?.serial ?? 0)]);
  if (!Array.isArray(c) || c[0] !== 'ok') throw new EngineError('unavailable', 'Redis failed over and the new primary does not have this append; retry with the same ids');
  return { ...r, committed: Number(c[1]) };
}
