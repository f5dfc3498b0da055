/** The connection's public types: its states, events and options (connection.ts). */
import type { Decoded } from '../protocol/decode';
import type { HubFrame, WelcomeFrame } from '../protocol/frames';
import type { BackoffOptions } from './backoff';
import type { Clock, WebSocketConstructor } from './ports';

/**
 * Ably's connection states, the one vocabulary of every Stagecall program. `closed` is both
 * the state before the first connect() and where close() leads.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'suspended' | 'failed' | 'closed';

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  /** The hub URL of the current attempt (connecting, connected) or of the last one. */
  hubUrl: string;
  /** Consecutive failed attempts since the last welcome (0 once connected). */
  attempt: number;
  /** disconnected, suspended: when the next attempt starts. */
  retryInMs?: number;
  /** disconnected, suspended: the hub URL the next attempt uses. */
  nextHubUrl?: string;
  /** Why we left the previous state (human readable). */
  reason?: string;
  /** The socket's close code, when a close caused the change. */
  closeCode?: number;
}

export interface ConnectionEvents {
  state: StateChange;
  /** Every validated hub frame except `pong` (welcome and error included). */
  frame: HubFrame;
  /** One round-trip sample in ms (P10: now − the echoed ts). */
  rtt: number;
  welcome: WelcomeFrame;
}

export interface ConnectionOptions {
  /** Tried in order, the next one after each failure. http(s):// or ws(s)://. */
  urls: string[];
  /** A string, or a function read on every hello so a refreshed token is picked up by the next attempt. */
  token: string | (() => string);
  /** Default: the global WebSocket (browsers, Node 22). Node 20 passes `ws`'s. */
  WebSocket?: WebSocketConstructor;
  clock?: Clock;
  /** [0, 1); Math.random by default. */
  random?: () => number;
  /** Default: a zod-free validator of every hub frame (decode-hub-frame.ts). */
  decode?: (text: unknown) => Decoded<HubFrame>;
  client?: { name: string; version: string };
  /** Sent in hello: a token for another event is then refused with 4003. */
  eventId?: string;
  /** Default { baseMs: 500, capMs: 15_000 }: delay = random() · min(cap, base · 2^n), n = failures − 1. */
  backoff?: Partial<BackoffOptions>;
  /** Default 120_000: not connected this long since the first failure → suspended. */
  suspendAfterMs?: number;
  /** Default 30_000: retry cadence while suspended. */
  suspendedRetryMs?: number;
  /** Default 2_000; the first ping goes out with the welcome. */
  pingEveryMs?: number;
  /** Default 5_000: a ping unanswered (no frame at all since it left) this long → the socket is dead. */
  deadAfterMs?: number;
  /** Default 10_000: an attempt without a welcome after this long has failed. */
  openTimeoutMs?: number;
  /** Default 1_000: the spread of the immediate move to the next URL after 1001/1012 (P11, P31). */
  handoverJitterMs?: number;
  onListenerError?: (err: unknown) => void;
}
