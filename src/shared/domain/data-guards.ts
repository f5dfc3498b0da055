/**
 * Entries reach the reducer schema-checked by the hub (src/shared/protocol/messages.ts), but a
 * reducer must never throw on odd data (a hand-edited log, an older hub): these guards turn
 * anything unexpected into `invalid` instead of an exception.
 */
export type Data = Readonly<Record<string, unknown>>;

export const asData = (v: unknown): Data | null =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Data) : null;

export const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

export const isText = (v: unknown): v is string => typeof v === 'string' && v.trim().length > 0;

export const isBool = (v: unknown): v is boolean => typeof v === 'boolean';

export const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

export const oneOf = <T extends string>(v: unknown, values: readonly T[]): v is T =>
  typeof v === 'string' && (values as readonly string[]).includes(v);
