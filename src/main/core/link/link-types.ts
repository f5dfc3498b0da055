/** The Link's public types: its states, events, options and status (link.ts). */
import type { HubFrame, WelcomeFrame } from '../../../shared/protocol';
import type { BackoffOptions } from './backoff';
import type { Clock, SocketFactory } from './ports';

/** `closed` is both the initial state and where disconnect() leads (Ably's name for it). */
export type LinkState = 'closed' | 'connecting' | 'connected' | 'disconnected' | 'suspended' | 'failed';

export interface LinkStateChange {
  state: LinkState;
  previous: LinkState;
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

export interface LinkEvents {
  state: LinkStateChange;
  /** Every validated hub frame except `pong` (welcome, error and stats included). */
  frame: HubFrame;
  /** One round-trip sample in ms (P10: now − the echoed ts). */
  rtt: number;
  welcome: WelcomeFrame;
}

export interface LinkOptions {
  /** Tried in order, the next one after each failure. http(s):// or ws(s)://. */
  hubUrls: string[];
  /** Read on every hello, so a refreshed token is picked up by the next attempt. */
  token: () => string;
  clock: Clock;
  socketFactory: SocketFactory;
  /** [0, 1); Math.random by default. */
  random?: () => number;
  client?: { name: string; version: string };
  /** Default { baseMs: 500, capMs: 15_000 }: delay = random() · min(cap, base · 2^n), n = failures − 1. */
  backoff?: Partial<BackoffOptions>;
  /** Default 120_000: not connected this long since the first failure → suspended. */
  suspendAfterMs?: number;
  /** Default 30_000: retry cadence while suspended. */
  suspendedRetryMs?: number;
  /** Default 2_000; the first ping goes out with the welcome. */
  pingEveryMs?: number;
  /** Default 5_000: no frame at all for this long → the socket is dead. */
  deadAfterMs?: number;
  /** Default 10_000: an attempt without a welcome after this long has failed. */
  openTimeoutMs?: number;
  onListenerError?: (err: unknown) => void;
}

export interface LinkStatus {
  state: LinkState;
  hubUrl: string;
  attempt: number;
  /** From the current connection's welcome; undefined unless connected. */
  welcome?: WelcomeFrame;
  lastRttMs?: number;
  /** Hub frames that failed decodeHubFrame and were dropped. */
  invalidFrames: number;
  /** Why the last one was dropped (`code: message` from decodeHubFrame). */
  lastInvalid?: string;
  /** Welcomes received since construction. */
  connects: number;
}
