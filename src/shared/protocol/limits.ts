/** Numbers the protocol fixes (PROTOCOL.md). One place, so hub, clients and tests agree. */
export const PROTOCOL_VERSION = 1;
export const SUBPROTOCOL = 'stagecall.v1';
export const MAX_FRAME_BYTES = 64 * 1024; // P2
/** P2 limits what clients send; what the hub sends (a large staff snapshot) may be bigger, up to this. */
export const MAX_HUB_FRAME_BYTES = 64 * 1024 * 1024;
export const HELLO_TIMEOUT_MS = 5_000; // P3
export const MALFORMED_LIMIT = 20; // P2: more than this many in the window closes 4400
export const MALFORMED_WINDOW_MS = 10_000;
export const SILENT_PEER_MS = 45_000; // P10
export const HISTORY_MAX_LIMIT = 1_000; // P17
export const DEFAULT_SYNC_HZ = 10; // P19
export const MAX_STREAM_DELAY_MS = 60_000; // P30
export const AT_EVERY_MS = 1_000; // P27: at most one `at` per view per second per connection
export const CHAT_KEEP = 100; // P20
export const CHAT_TEXT_MAX = 280; // section 6, chat.send
export const RATE = {
  audience: { perSec: 20, burst: 40 },
  staff: { perSec: 200, burst: 400 },
} as const; // P24
export const RATE_CLOSE_AFTER_MS = 10_000; // P24: five times over for 10 s

/** P25 close codes. */
export const CloseCode = {
  goingAway: 1001,
  serviceRestart: 1012, // P31: a draining node hands its sockets on; clients treat it like 1001
  tooBig: 1009,
  unauthorized: 4001,
  forbidden: 4003,
  rateLimited: 4008,
  slowConsumer: 4009, // not in P25: a subscriber stuck past the backpressure bound (docs/protocol-notes.md)
  noHello: 4010,
  tooManyConnections: 4011, // P33: a fifth concurrent connection of one audience client
  malformed: 4400,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
