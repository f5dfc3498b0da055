/**
 * The operator console's one contract (STYLE.md 1): every request the renderer may make of
 * ConsoleCore, with a zod schema for its payload, and every event the core emits. The
 * preload (Electron IPC) and the web host (local WebSocket) both carry exactly this, and
 * both parse payloads with these schemas before anything reaches the core.
 */
import { z } from 'zod';
import { MESSAGE_NAMES, type MessageName } from './protocol/messages';
import type { StatsFrame, WireEntry } from './protocol/frames';
import type { ConnectionState } from './client/connection-types';
import type { StaffRole } from './protocol/roles';
import type { ReportData } from './report/report-types';

// ---- shared value types -------------------------------------------------------------------
/** The client library's connection states, one vocabulary everywhere (`closed`: no link wanted now). */
export type LinkState = ConnectionState;

export interface LinkStatus {
  state: LinkState;
  hubUrl: string | null;
  hubUrls: string[];
  attempt: number;
  /** When the next retry happens (ms since epoch), in disconnected/suspended. */
  retryAt: number | null;
  reason: string | null;
  /** Hub clock minus local clock, from pings (ms). */
  clockOffsetMs: number;
  node: string | null;
}

export interface SessionInfo {
  mode: 'none' | 'local' | 'remote';
  eventId: string | null;
  title: string | null;
  joinCode: string | null;
  /** What the audience opens (LAN address in local mode). */
  joinUrl: string | null;
  role: StaffRole | null;
  clientId: string | null;
  name: string | null;
  hubUrls: string[];
  /** Whether the console can issue teammate tokens (it holds the admin key). */
  canIssueTokens: boolean;
}

/** A teammate token this console issued for the current event (issue 14.7): shown with a usage hint, revocable (P32). */
export interface TeamToken {
  clientId: string;
  role: StaffRole;
  name: string;
  /** null when it was sealed by a key store this console cannot open any more. */
  token: string | null;
  issuedAt: number;
  expiresAt: number;
  /** When this console revoked it (the hub refuses it from then on), or null. */
  revokedAt: number | null;
}

// Zod-free module, so the renderer can import it without bundling zod.
export { NO_SESSION } from './no-session';
export { LOG_WATCH_RENEW_MS, LOG_WATCH_TTL_MS } from './log-watch';

export type OutboxState = 'queued' | 'sent' | 'acknowledged' | 'refused';
export interface OutboxItem {
  id: string;
  /** The event it was queued for (the UI shows the current event's actions only). */
  eventId: string;
  name: string;
  data: unknown;
  state: OutboxState;
  queuedAt: number;
  serial: number | null;
  /** acknowledged but without effect (P12 applied:false), or refused (nack): why. */
  reason: string | null;
  applied: boolean | null;
  dup: boolean;
}

export interface SyncEvent {
  view: 'staff';
  epoch: string;
  serial: number;
  /** Either the whole view... */
  snapshot?: unknown;
  /** ...or a patch from `base`. */
  base?: number;
  patch?: Array<{ op: string; path: string; value?: unknown; from?: string }>;
}

export interface ConsoleError {
  code: 'invalid' | 'not_connected' | 'unauthorized' | 'not_found' | 'unavailable' | 'forbidden' | 'internal' | 'unknown_request';
  message: string;
}
export type Result<T> = { ok: true; value: T } | { ok: false; error: ConsoleError };

// ---- requests -------------------------------------------------------------------------------
const HubUrl = z.string().trim().regex(/^(https?|wss?):\/\/[^\s]+$/i, 'a hub URL starts with http://, https://, ws:// or wss://').max(300);

export const Requests = {
  'app/info': z.object({}),
  'session/get': z.object({}),
  /** The link's state now (events only report changes; a renderer that just loaded asks this). */
  'link/status': z.object({}),
  /** Local-event mode: start the embedded hub in-process (if not running) and an event on it; `lan` (default true) listens where phones can reach it. */
  'session/startLocal': z.object({ title: z.string().trim().min(1).max(200), lan: z.boolean().optional() }),
  /** Remote mode: create an event on a hub with its admin key, then connect as host. */
  'session/createRemote': z.object({ hubUrls: z.array(HubUrl).min(1).max(10), adminKey: z.string().min(1).max(500), title: z.string().trim().min(1).max(200), name: z.string().trim().min(1).max(60) }),
  /** Remote mode: connect with a token someone issued. */
  'session/joinRemote': z.object({ hubUrls: z.array(HubUrl).min(1).max(10), token: z.string().min(10).max(4096) }),
  'session/leave': z.object({}),
  'session/setHubUrls': z.object({ hubUrls: z.array(HubUrl).min(1).max(10) }),
  'token/issue': z.object({ role: z.enum(['host', 'moderator', 'producer']), name: z.string().trim().min(1).max(60) }),
  /** The teammate tokens this console issued for the current event, newest first. */
  'team/list': z.object({}),
  /** P32 through the hub's admin API: that client's tokens are refused and its live connections closed. */
  'team/revoke': z.object({ clientId: z.string().min(1).max(64) }),
  /** Queue an action: durable in the journal before it resolves, then sent in order. */
  publish: z.object({ name: z.enum(MESSAGE_NAMES as [MessageName, ...MessageName[]]), data: z.unknown() }),
  /** The staff view as the core holds it now (after a renderer reload). */
  'view/get': z.object({}),
  'outbox/list': z.object({ limit: z.number().int().min(1).max(1000).optional() }),
  /** Undo a queued action before it is sent (false once it is in flight or settled). */
  'outbox/cancel': z.object({ id: z.string().min(1).max(64) }),
  'log/recent': z.object({ limit: z.number().int().min(1).max(1000).optional() }),
  /**
   * The per-entry log stream is subscribed only while a screen shows it (issue 15.3): a renderer
   * holds a watch (`on: true`) while one of its screens shows the log, renews it every
   * LOG_WATCH_RENEW_MS, and drops it (`on: false`) when the last such screen closes. A watch not
   * renewed within LOG_WATCH_TTL_MS lapses, so a renderer that reloads or dies cannot pin the stream.
   */
  'log/watch': z.object({ watcher: z.string().min(1).max(64), on: z.boolean() }),
  /** One page of the event's log from the hub (P17 history), oldest first, for a look that needs no stream (teammates, a cue change's time). */
  'log/read': z.object({ from: z.number().int().min(1), limit: z.number().int().min(1).max(1000) }),
  'results/export': z.object({ kind: z.enum(['polls', 'quizzes', 'questions']) }),
  /** The post-event report: reads the event's whole log from the hub (progress in `report` events). */
  'report/build': z.object({}),
  'rehearsal/start': z.object({ audience: z.number().int().min(1).max(20_000), profile: z.enum(['quiet', 'lively', 'storm']) }),
  'rehearsal/stop': z.object({}),
} as const;
export type RequestName = keyof typeof Requests;
export type RequestPayload<N extends RequestName> = z.input<(typeof Requests)[N]>;
export const REQUEST_NAMES = Object.keys(Requests) as RequestName[];

export interface AppInfo {
  version: string;
  shell: 'electron' | 'web';
  platform: string;
}
export interface ExportedFile {
  filename: string;
  mime: 'text/csv';
  content: string;
}
/** The post-event report (issue 14.11) and its CSV files; the renderer draws the HTML report from `report`. */
export interface ReportBundle {
  report: ReportData;
  files: ExportedFile[];
  /** What to call the HTML report the renderer draws, named like the CSV files. */
  htmlFilename: string;
}
/** Log entries folded so far, of the serial the report reads up to. */
export interface ReportProgress {
  done: number;
  total: number;
  phase: 'reading' | 'done' | 'failed';
}
export interface RehearsalStatus {
  running: boolean;
  audience: number;
  connected: number;
  profile: string | null;
  lastError: string | null;
}

/** What each request resolves to. */
export interface Responses {
  'app/info': AppInfo;
  'session/get': SessionInfo;
  'link/status': LinkStatus;
  'session/startLocal': SessionInfo;
  'session/createRemote': SessionInfo;
  'session/joinRemote': SessionInfo;
  'session/leave': SessionInfo;
  'session/setHubUrls': SessionInfo;
  'token/issue': { token: string; clientId: string; role: StaffRole; name: string; expiresAt: number };
  'team/list': TeamToken[];
  'team/revoke': { clientId: string; revokedUntil: number };
  publish: OutboxItem;
  'view/get': { epoch: string; serial: number; doc: unknown } | null;
  'outbox/list': OutboxItem[];
  'outbox/cancel': { cancelled: boolean };
  'log/recent': WireEntry[];
  'log/watch': { streaming: boolean };
  'log/read': WireEntry[];
  'results/export': ExportedFile;
  'report/build': ReportBundle;
  'rehearsal/start': RehearsalStatus;
  'rehearsal/stop': RehearsalStatus;
}

// ---- events -----------------------------------------------------------------------------------
export interface RttSample {
  at: number;
  rttMs: number;
}
export interface AckSample {
  at: number;
  /** Local send → ack received. */
  ms: number;
}
export interface Events {
  status: LinkStatus;
  session: SessionInfo;
  sync: SyncEvent;
  rtt: RttSample;
  ack: AckSample;
  stats: StatsFrame;
  /** Upserts by id: the most recent items (oldest first), sent at most 10 times a second. */
  outbox: OutboxItem[];
  /** New log entries since the last `log` event (at most 10 events a second), only while a log watch is held. */
  log: WireEntry[];
  rehearsal: RehearsalStatus;
  report: ReportProgress;
  notice: { level: 'info' | 'warning' | 'error'; message: string };
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['status', 'session', 'sync', 'rtt', 'ack', 'stats', 'outbox', 'log', 'rehearsal', 'report', 'notice'];

/** The renderer's view of the console: implemented by the preload bridge and the web-host bridge. */
export interface ConsoleApi {
  request<N extends RequestName>(name: N, payload: RequestPayload<N>): Promise<Result<Responses[N]>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/** Validates a request crossing the boundary. Never throws. */
export function parseRequest(name: unknown, payload: unknown): { ok: true; name: RequestName; payload: unknown } | { ok: false; error: ConsoleError } {
  if (typeof name !== 'string' || !Object.hasOwn(Requests, name)) return { ok: false, error: { code: 'unknown_request', message: `no such request: ${String(name).slice(0, 64)}` } };
  const schema = Requests[name as RequestName];
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    const msg = parsed.error.issues.slice(0, 3).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    return { ok: false, error: { code: 'invalid', message: msg } };
  }
  return { ok: true, name: name as RequestName, payload: parsed.data };
}
