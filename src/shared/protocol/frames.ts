/**
 * Every frame of PROTOCOL.md, both directions, as zod schemas with inferred types.
 * Client→hub schemas are what the hub enforces (P2); hub→client schemas are what every
 * client validates before it trusts a frame.
 */
import { z } from 'zod';
import { HISTORY_MAX_LIMIT } from './limits';
import { Role } from './roles';

const Serial = z.number().int().min(0);
const MsgId = z.string().min(1).max(64); // P12

// ---- client → hub --------------------------------------------------------------
export const HelloFrame = z.object({
  t: z.literal('hello'),
  token: z.string().min(1).max(4096),
  client: z.object({ name: z.string().max(100), version: z.string().max(50) }).optional(),
  /** Optional: the event the client means to join; a token for another event is refused 4003 (P8, P25). */
  eventId: z.string().max(64).optional(),
});
export const PingFrame = z.object({ t: z.literal('ping'), id: z.union([z.string().max(64), z.number()]), ts: z.number() });
export const PubFrame = z.object({ t: z.literal('pub'), id: MsgId, name: z.string().min(1).max(64), data: z.unknown() });
export const HistoryRequestFrame = z.object({
  t: z.literal('history'),
  from: Serial.default(1),
  limit: z.number().int().min(1).max(HISTORY_MAX_LIMIT).default(HISTORY_MAX_LIMIT),
});
export const ViewName = z.enum(['staff', 'audience', 'log', 'stats']);
export type ViewName = z.infer<typeof ViewName>;
export const SubFrame = z.object({
  t: z.literal('sub'),
  view: ViewName,
  since: Serial.optional(),
  epoch: z.string().max(64).optional(),
  /** Not in PROTOCOL.md: why a client re-subscribes; `hash_mismatch` (P26) is counted in /metrics (docs/protocol-notes.md). */
  reason: z.enum(['hash_mismatch']).optional(),
});
/** Not in PROTOCOL.md: stop a subscription without closing the socket (docs/protocol-notes.md). */
export const UnsubFrame = z.object({ t: z.literal('unsub'), view: ViewName });

/** P27: the serial a client shows after applying a sync frame (at most one per view per second). */
export const AtFrame = z.object({ t: z.literal('at'), view: z.enum(['staff', 'audience']), serial: Serial });

export const ClientFrame = z.discriminatedUnion('t', [HelloFrame, PingFrame, PubFrame, HistoryRequestFrame, SubFrame, UnsubFrame, AtFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type HelloFrame = z.infer<typeof HelloFrame>;
export type PingFrame = z.infer<typeof PingFrame>;
export type PubFrame = z.infer<typeof PubFrame>;
export type HistoryRequestFrame = z.infer<typeof HistoryRequestFrame>;
export type SubFrame = z.infer<typeof SubFrame>;
export type UnsubFrame = z.infer<typeof UnsubFrame>;
export type AtFrame = z.infer<typeof AtFrame>;
export const CLIENT_FRAME_TYPES = ['hello', 'ping', 'pub', 'history', 'sub', 'unsub', 'at'] as const;

// ---- hub → client --------------------------------------------------------------
export const Limits = z.object({ maxFrameBytes: z.number(), ratePerSec: z.number(), syncHz: z.number() });
export const WelcomeFrame = z.object({
  t: z.literal('welcome'),
  connectionId: z.string(),
  clientId: z.string(),
  role: Role,
  eventId: z.string(),
  epoch: z.string(),
  node: z.string(),
  hubTime: z.number(),
  limits: Limits,
  /** Staff roles only: the event's join code, so a console joined by token can show it (docs/protocol-notes.md 46). */
  joinCode: z.string().optional(),
});
export const PongFrame = z.object({ t: z.literal('pong'), id: z.union([z.string(), z.number()]), ts: z.number(), hubTime: z.number() });
export const AckFrame = z.object({
  t: z.literal('ack'),
  id: MsgId,
  serial: Serial,
  applied: z.boolean(),
  reason: z.string().optional(),
  dup: z.boolean().optional(),
});
export const NackCode = z.enum(['forbidden', 'invalid', 'rate_limited', 'too_large']);
export type NackCode = z.infer<typeof NackCode>;
export const NackFrame = z.object({ t: z.literal('nack'), id: z.string(), code: NackCode, message: z.string() });
export const ErrorCode = z.enum(['malformed', 'unauthorized', 'forbidden', 'rate_limited', 'too_large', 'unavailable', 'internal']);
export type ErrorCode = z.infer<typeof ErrorCode>;
/** P34: `id` names the pub an `unavailable` error refuses (storage could not take it; retry with the same id). */
export const ErrorFrame = z.object({ t: z.literal('error'), code: ErrorCode, message: z.string(), id: MsgId.optional() });

/** A log entry as clients see it (P17). `role`, `author` and `rttMs` are extra (docs/protocol-notes.md). */
export const WireEntry = z.object({
  serial: z.number().int().min(1),
  clientId: z.string(),
  id: z.string(),
  name: z.string(),
  data: z.unknown(),
  ts: z.number(),
  role: Role.optional(),
  author: z.string().nullable().optional(),
  rttMs: z.number().optional(),
  /** P30: set on entries from stream viewers. */
  watching: z.literal('stream').optional(),
});
export type WireEntry = z.infer<typeof WireEntry>;
export const HistoryFrame = z.object({ t: z.literal('history'), entries: z.array(WireEntry), next: z.number().int().nullable() });
export const LogFrame = z.object({ t: z.literal('log'), entries: z.array(WireEntry) });

export const PatchOp = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('replace'), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('remove'), path: z.string() }),
  z.object({ op: z.literal('test'), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('move'), path: z.string(), from: z.string() }),
  z.object({ op: z.literal('copy'), path: z.string(), from: z.string() }),
]);
export type PatchOp = z.infer<typeof PatchOp>;
export const SyncView = z.enum(['staff', 'audience']);
export type SyncView = z.infer<typeof SyncView>;
/** P26: 16 lower-case hex digits of the view state's SHA-256 at `serial`. Optional: a 1.0 hub sends none. */
export const StateHash = z.string().regex(/^[0-9a-f]{16}$/);
export const SyncSnapshotFrame = z.object({
  t: z.literal('sync'),
  view: SyncView,
  epoch: z.string(),
  serial: Serial,
  snapshot: z.unknown(),
  hash: StateHash.optional(),
});
export const SyncPatchFrame = z.object({
  t: z.literal('sync'),
  view: SyncView,
  epoch: z.string(),
  base: Serial,
  serial: Serial,
  patch: z.array(PatchOp),
  hash: StateHash.optional(),
});
export const SyncFrame = z.union([SyncPatchFrame, SyncSnapshotFrame]);
export const SelfFrame = z.object({ t: z.literal('self'), data: z.unknown() });
/** P27: delivery of the audience view, in staff `stats`. */
export const DeliveryStats = z.object({
  subscribers: z.number(),
  reported: z.number(),
  current: z.number(),
  atCurrent: z.number(),
  lagMs: z.object({ p50: z.number(), p99: z.number() }),
  cues: z.record(z.string(), z.number()),
});
export type DeliveryStats = z.infer<typeof DeliveryStats>;
export const StatsFrame = z.object({
  t: z.literal('stats'),
  ts: z.number(),
  node: z.string(),
  nodes: z.array(z.object({ node: z.string(), online: z.number(), connections: z.number() })),
  connections: z.record(z.string(), z.number()),
  audienceOnline: z.number(),
  framesInPerSec: z.number(),
  framesOutPerSec: z.number(),
  ackLatencyMs: z.object({ p50: z.number(), p99: z.number() }),
  loopLagP99Ms: z.number(),
  heapMB: z.number(),
  rssMB: z.number(),
  cpuPct: z.number(),
  load: z.number(),
  delivery: z.object({ audience: DeliveryStats }).optional(),
});

export const HubFrame = z.union([
  WelcomeFrame,
  PongFrame,
  AckFrame,
  NackFrame,
  ErrorFrame,
  HistoryFrame,
  LogFrame,
  SyncPatchFrame,
  SyncSnapshotFrame,
  SelfFrame,
  StatsFrame,
]);
export type HubFrame = z.infer<typeof HubFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type PongFrame = z.infer<typeof PongFrame>;
export type AckFrame = z.infer<typeof AckFrame>;
export type NackFrame = z.infer<typeof NackFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type HistoryFrame = z.infer<typeof HistoryFrame>;
export type LogFrame = z.infer<typeof LogFrame>;
export type SyncSnapshotFrame = z.infer<typeof SyncSnapshotFrame>;
export type SyncPatchFrame = z.infer<typeof SyncPatchFrame>;
export type SyncFrame = z.infer<typeof SyncFrame>;
export type SelfFrame = z.infer<typeof SelfFrame>;
export type StatsFrame = z.infer<typeof StatsFrame>;
