import type { Role } from '../shared/protocol';
import type { PreparedFrame } from './ws/prepared-frame';

/** What the event runtime needs of a connection: identity and a non-blocking, pre-encoded send. */
export interface Subscriber {
  readonly connectionId: string;
  readonly clientId: string;
  readonly role: Role;
  /** P30: where an audience member watches from (token claim `wat`); staff are always `room`. */
  readonly watching: 'room' | 'stream';
  /** Writes bytes that are already one JSON text frame. Returns false when the socket is gone. */
  sendRaw(frame: Buffer, kind: string): boolean;
  /** Fan-out path: the same pre-framed bytes for every subscriber; the caller counts frames. */
  sendPrepared(frame: PreparedFrame): boolean;
  /** Bytes queued in the socket and not yet written to the network (backpressure). */
  bufferedAmount(): number;
  /** Closes a subscriber that stayed stuck past the backpressure bound. */
  closeSlow(reason: string): void;
}
