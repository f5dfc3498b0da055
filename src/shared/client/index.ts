/** `stagecall/client`: the one protocol client (docs/client.md). */
export { createClient, StagecallClient } from './client';
export type { ClientEvents, ClientOptions, ClientStatus, PublishOptions, ViewListener, ViewMeta } from './client-types';
export { Connection, CLOSE_DRAINING, CLOSE_TOO_MANY_CONNECTIONS, type AtFrame } from './connection';
export type { ConnectionEvents, ConnectionOptions, ConnectionState, StateChange } from './connection-types';
export { DEFAULT_BACKOFF, fullJitterDelay, HANDOVER_JITTER_MS, HANDOVER_RETRY_WINDOW_MS, retryDelay, type BackoffOptions } from './backoff';
export { TokenBucket } from './token-bucket';
export { HubClock } from './hub-clock';
export { hashCheck, type HashCheckOptions } from './hash-check';
export { hubSocketUrl } from './hub-url';
export { decodeHubFrameLight } from './decode-hub-frame';
export { ViewMirror, type MirrorCode, type MirrorHooks, type MirrorOutcome, type PatchResult, type ViewCursor, type ViewState } from './view-mirror';
export { MemoryOutbox, MEMORY_OUTBOX_LIMIT, OutboxFullError, type OutboxItem, type OutboxState, type OutboxStore, type PubOutcome } from './outbox';
export { Publisher, PublishError, type PublisherOptions } from './publisher';
export { Emitter, type Listener } from './emitter';
export { realClock } from './real-clock';
export type { Clock, TimerHandle, WebSocketConstructor, WebSocketLike } from './ports';
export type { AckFrame, HubFrame, NackFrame, StatsFrame, SyncFrame, SyncView, WelcomeFrame, WireEntry } from '../protocol/frames';
