/** Journal failures as values with stable codes, so ConsoleCore can map them for the UI. */
export type JournalErrorCode =
  | 'locked' // another live console holds journal.lock
  | 'io' // a write, fsync or rename failed; the file refuses further writes until reopened
  | 'closed' // used after close()
  | 'busy' // a compaction is already running
  | 'invalid'; // a record that cannot be stored (not JSON-serialisable, bad consoleId)

export class JournalError extends Error {
  readonly code: JournalErrorCode;
  readonly detail: unknown;
  constructor(code: JournalErrorCode, message: string, detail?: unknown) {
    super(message);
    this.name = 'JournalError';
    this.code = code;
    this.detail = detail;
  }
}

export { errnoOf } from '../../../shared/node/errno';
