/** Messages between a benchmark and its load-generating worker threads (structured clone). */

export type LoadKind = 'hub' | 'ws' | 'sio';

export interface LoadConfig {
  worker: number;
  kind: LoadKind;
  /** hub: http base URL; ws: ws:// URL; sio: http base URL. */
  url: string;
  count: number;
  first: number;
  /** hub: the event's join code. */
  code?: string;
  connectConcurrency: number;
  /**
   * After an unplanned close, the first reconnect waits a random 0..this ms (spreads a storm),
   * then capped backoff; null: as the shared client does (src/shared/client/backoff.ts retryDelay).
   */
  reconnectJitterMs: number | null;
}

export type ToLoad =
  | { type: 'vote'; id: number; everyMs: number; pollId: string; options: string[] }
  | { type: 'reset'; id: number }
  | { type: 'collect'; id: number }
  /** Start timing a reconnect storm from `cutAt` (epoch ms); `terminate`: the clients cut their own sockets. */
  | { type: 'storm'; id: number; target: number; cutAt: number; terminate: boolean; timeoutMs: number; jitterMs: number | null }
  | { type: 'stop'; id: number };

export interface LoadStats {
  connected: number;
  frames: number;
  bytes: number;
  otherFrames: number;
  otherBytes: number;
  /** Publish (sender's clock) to receipt, ms. */
  latency: Array<[number, number]>;
  /** hub: vote pub to ack, ms. */
  ack: Array<[number, number]>;
  acks: number;
  nacks: Record<string, number>;
  closes: Record<string, number>;
  /** hub: the highest view serial any client holds. */
  maxSerial: number;
}

export interface StormStats {
  clients: number;
  resumed: number;
  /** ms from the cut to holding the view at >= target serial. */
  times: Array<[number, number]>;
  maxMs: number;
  snapshots: number;
  patches: number;
}

export type FromLoad =
  | { type: 'connected'; connected: number; failed: number; errors: string[] }
  | { type: 'reply'; id: number; stats?: LoadStats; storm?: StormStats }
  | { type: 'fatal'; message: string };
