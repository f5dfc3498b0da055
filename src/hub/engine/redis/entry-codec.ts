/**
 * How an entry is stored in the event's stream: the message id is `<serial>-0` and one field
 * `e` holds the entry's JSON without its serial (the id is the serial, so the JSON is
 * built before the script picks it). Fixed key order, no stray fields.
 */
import type { LogEntry } from '../../../shared/domain/types';
import type { AppendInput } from '../engine';
import { EngineError } from '../engine-error';

export const ENTRY_FIELD = 'e';

/** Throws invalid_entry (nothing appended) for what JSON cannot represent. */
export function encodeInput(input: AppendInput): string {
  if (typeof input.clientId !== 'string' || typeof input.id !== 'string') {
    throw new EngineError('invalid_entry', 'cannot store entry: clientId and id must be strings');
  }
  const out: AppendInput = { ts: input.ts, clientId: input.clientId, id: input.id, name: input.name, role: input.role, data: input.data };
  if (input.author !== undefined) out.author = input.author;
  if (input.rttMs !== undefined) out.rttMs = input.rttMs;
  if (input.watching !== undefined) out.watching = input.watching;
  try {
    return JSON.stringify(out);
  } catch (err) {
    throw new EngineError('invalid_entry', `cannot store entry: ${(err as Error).message}`, { cause: err });
  }
}

/** The entry as the hub would have built it from the input, once it has its serial. */
export function entryFromInput(json: string, serial: number): LogEntry {
  return { serial, ...(JSON.parse(json) as AppendInput) };
}

/** Serial of a stream id `<serial>-0`. */
export function serialOfId(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash < 0 ? id : id.slice(0, dash));
}

/** One raw XRANGE item `[id, [field, value, ...]]` → LogEntry; throws corrupt_log when unreadable. */
export function decodeStreamItem(item: unknown, key: string): LogEntry {
  if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1])) {
    throw new EngineError('corrupt_log', `${key}: not a stream message`);
  }
  const [id, fields] = item as [string, unknown[]];
  const at = fields.indexOf(ENTRY_FIELD);
  const json = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  const serial = serialOfId(id);
  if (typeof json !== 'string' || !Number.isSafeInteger(serial) || serial < 1) {
    throw new EngineError('corrupt_log', `${key}: message ${id} holds no entry`);
  }
  try {
    return entryFromInput(json, serial);
  } catch (err) {
    throw new EngineError('corrupt_log', `${key}: message ${id} is not JSON`, { cause: err });
  }
}
