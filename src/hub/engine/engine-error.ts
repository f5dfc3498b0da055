/**
 * Errors both engines throw, with a stable machine-readable `code` (STYLE.md: errors are
 * values at boundaries). The hub maps them to HTTP/WebSocket answers by code, never by text.
 */
export type EngineErrorCode =
  /** append/read/info on an event that was never created. */
  | 'unknown_event'
  /** createEvent with an eventId that already exists. */
  | 'event_exists'
  /** createEvent with a joinCode another event already uses. */
  | 'code_taken'
  /** An eventId the engine cannot store (embedded: it names a directory). */
  | 'invalid_event_id'
  /** An entry the engine cannot store (e.g. data JSON cannot represent); nothing was appended. */
  | 'invalid_entry'
  /** Embedded: another live process holds the data directory (its LOCK file). */
  | 'locked'
  /** Called before open() or after close(). */
  | 'closed'
  /** A write or fsync failed; the event's log refuses appends until the engine is reopened. */
  | 'io_failed'
  /** The stored log is damaged where acknowledged data lives; the message names file and line. */
  | 'corrupt_log'
  /**
   * The store cannot be reached right now (clustered engine: Redis down, or the connection
   * dropped mid-call). An append may or may not have taken effect: retry with the same ids (P14).
   */
  | 'unavailable'
  /** A tail's event log was lost and started anew under a new epoch (P15); the tail stopped. */
  | 'log_reset';

export class EngineError extends Error {
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}

export const isEngineError = (err: unknown, code?: EngineErrorCode): err is EngineError =>
  err instanceof EngineError && (code === undefined || err.code === code);
