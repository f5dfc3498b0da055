export { Journal, type JournalChange, type JournalOptions, type JournalOpenReport, type OutboxEntry, type OutboxItem, type OutboxState } from './journal';
export { JournalError, type JournalErrorCode } from './errors';
export type { Settings } from './records';
