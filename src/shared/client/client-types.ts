/** The client's public types (client.ts): options, events, and what view listeners receive. */
import type { AckFrame, HubFrame, StatsFrame, SyncFrame, SyncView, WelcomeFrame, WireEntry } from '../protocol/frames';
import type { ConnectionOptions, ConnectionState, StateChange } from './connection-types';
import type { OutboxStore, PubOutcome } from './outbox';
import type { MirrorHooks, ViewState } from './view-mirror';

export interface ClientOptions extends ConnectionOptions {
  /** Where publishes wait for their ack. Default: in memory (MemoryOutbox). */
  outbox?: OutboxStore;
  /** Unanswered publishes on the wire at once (default 8). */
  window?: number;
  /** Prefix of generated publish ids (default: random per client). Ids must be unique per clientId. */
  idPrefix?: string;
  /**
   * P26: called after every applied sync frame; false counts a mismatch and re-subscribes for a
   * snapshot. Default: `hashCheck()` (the frame's `hash` against the state's); `false` turns it off.
   */
  verify?: MirrorHooks['verify'] | false;
  /** P27: send `{"t":"at"}` after applying sync frames, at most once a second per view. Default false. */
  reportApplied?: boolean;
  /** Default true: connect at once. */
  autoConnect?: boolean;
}

export interface ViewMeta {
  serial: number;
  epoch: string;
  /** The frame that produced this state (undefined for a state seeded from a cache). */
  frame?: SyncFrame;
}

export type ViewListener = (state: unknown, meta: ViewMeta) => void;

export interface ClientEvents {
  state: StateChange;
  welcome: WelcomeFrame;
  /** Every validated hub frame except pongs. */
  frame: HubFrame;
  rtt: number;
  /** P22: this client's own state. */
  self: unknown;
  /** A publish got its final answer (items resent from an earlier run too). */
  settled: { id: string; outcome: PubOutcome };
}

export interface PublishOptions {
  /** 1-64 chars, unique per client; generated when absent. Publishing the same id again is safe (P14). */
  id?: string;
  /** Items with one key are sent one at a time, in order (see OutboxItem.key). */
  key?: string;
}

export interface ClientStatus {
  state: ConnectionState;
  hubUrl: string;
  hubUrls: readonly string[];
  attempt: number;
  welcome: WelcomeFrame | null;
  rttMs: number | null;
  /** hub time − local wall time (ms); null before the first welcome. */
  clockOffsetMs: number | null;
  invalidFrames: number;
  lastInvalid?: string;
  connects: number;
  /** Sync states that failed the verify hook (P26). */
  mismatches: number;
}

export type { AckFrame, StatsFrame, SyncView, ViewState, WireEntry };
