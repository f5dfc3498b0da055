/**
 * Errors as values at the console boundary (STYLE.md 5). Inside the core a handler may throw
 * a CoreError; `toConsoleError` maps it (and the journal's and the network's failures) to a
 * stable code and a message an operator can act on.
 */
import type { ConsoleError, Result } from '../../shared/console-api';
import { JournalError } from './journal/errors';

export type ConsoleErrorCode = ConsoleError['code'];

export class CoreError extends Error {
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ConsoleErrorCode, message: string): { ok: false; error: ConsoleError } => ({ ok: false, error: { code, message } });

export function toConsoleError(err: unknown): ConsoleError {
  if (err instanceof CoreError) return { code: err.code, message: err.message };
  if (err instanceof JournalError) {
    switch (err.code) {
      case 'locked':
        return { code: 'unavailable', message: `another console is using this data folder: ${err.message}` };
      case 'io':
        return { code: 'unavailable', message: `could not save to disk (the action was not queued): ${err.message}` };
      case 'closed':
        return { code: 'unavailable', message: 'the console is shutting down' };
      case 'invalid':
        return { code: 'invalid', message: err.message };
      default:
        return { code: 'internal', message: err.message };
    }
  }
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
