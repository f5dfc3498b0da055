/** The reducers' common vocabulary: one handler per message, results as values (P12). */
import type { Data } from './data-guards';
import type { Owner } from './owner';
import type { EventState } from './state';
import type { ApplyResult, LogEntry } from './types';

export type Result = ApplyResult<EventState>;
/** `owner`: set inside a batch fold, for the hot handlers that write in place (owner.ts); others ignore it. */
export type Handler = (state: EventState, entry: LogEntry, data: Data, owner?: Owner | null) => Result;

export const ok = (state: EventState): Result => ({ state, applied: true });
/** Well-formed but without effect: the state is returned unchanged, with a machine-readable reason. */
export const no = (state: EventState, reason: string): Result => ({ state, applied: false, reason });
