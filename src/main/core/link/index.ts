/** The Link: a resilient hub client (link.ts) and what it is built from. Plain Node, no electron. */
export { Link } from './link';
export type { LinkEvents, LinkOptions, LinkState, LinkStateChange, LinkStatus } from './link-types';
export type { Clock, LinkSocket, LinkSocketHandlers, SocketFactory, TimerHandle } from './ports';
export type { BackoffOptions } from './backoff';
export { DEFAULT_BACKOFF, fullJitterDelay } from './backoff';
export type { ViewCursor } from './subscriptions';
export { realClock } from './real-clock';
export { hubSocketUrl, wsSocketFactory } from './ws-socket-factory';
export { ViewMirror, type MirrorOutcome, type Resubscriber } from './view-mirror';
