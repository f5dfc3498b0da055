/** Turning untrusted text into a frame. Never throws: every failure is a value (P2, STYLE.md 5). */
import type { z } from 'zod';
import { ClientFrame, CLIENT_FRAME_TYPES, HubFrame } from './frames';
import { CLIENT_JSON_BOUNDS, HUB_JSON_BOUNDS, checkJsonBounds, type JsonBounds } from './json-bounds';
import { MAX_FRAME_BYTES, MAX_HUB_FRAME_BYTES } from './limits';
import { summariseIssues } from './messages';

export type DecodeError = {
  ok: false;
  /** `too_large`: the frame's bytes are over the limit (P2: close 1009). */
  code: 'malformed' | 'too_large';
  message: string;
  /** A `pub` whose id could be read but whose shape broke a bound: answer it with this nack (P13). */
  nack?: { id: string; code: 'invalid' | 'too_large' };
};
export type Decoded<T> = { ok: true; frame: T } | DecodeError;

// Only called when the cheap bound (a UTF-16 unit is at most 3 UTF-8 bytes) cannot decide.
const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

function parseObject(text: unknown, maxBytes: number, bounds: JsonBounds): { ok: true; value: Record<string, unknown> } | DecodeError {
  if (typeof text !== 'string') return { ok: false, code: 'malformed', message: 'frames are UTF-8 text holding one JSON object' };
  if (text.length > maxBytes / 3 && utf8Length(text) > maxBytes) return { ok: false, code: 'too_large', message: `frame exceeds ${maxBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'malformed', message: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, code: 'malformed', message: 'a frame is one JSON object' };
  const rec = value as Record<string, unknown>;
  if (typeof rec.t !== 'string') return { ok: false, code: 'malformed', message: 'missing string field "t"' };
  const over = checkJsonBounds(rec, bounds);
  if (over) {
    const id = rec.t === 'pub' && typeof rec.id === 'string' && rec.id.length >= 1 && rec.id.length <= 64 ? rec.id : undefined;
    const message = `${rec.t.slice(0, 32)}: ${over.message}`;
    return { ok: false, code: 'malformed', message, ...(id ? { nack: { id, code: over.kind === 'depth' ? 'invalid' : 'too_large' } } : {}) };
  }
  return { ok: true, value: rec };
}

function decodeWith<T>(schema: z.ZodType<T>, text: unknown, maxBytes: number, bounds: JsonBounds, known?: readonly string[]): Decoded<T> {
  const parsed = parseObject(text, maxBytes, bounds);
  if (!parsed.ok) return parsed;
  const t = parsed.value.t as string;
  if (known && !known.includes(t)) return { ok: false, code: 'malformed', message: `unknown frame type "${t.slice(0, 32)}"` };
  const result = schema.safeParse(parsed.value);
  if (!result.success) return { ok: false, code: 'malformed', message: `${t}: ${summariseIssues(result.error)}` };
  return { ok: true, frame: result.data };
}

/** A frame from a client, as the hub reads it. */
export const decodeFrame = (text: unknown): Decoded<ClientFrame> => decodeWith(ClientFrame, text, MAX_FRAME_BYTES, CLIENT_JSON_BOUNDS, CLIENT_FRAME_TYPES);

/** A frame from the hub, as a client reads it. */
export const decodeHubFrame = (text: unknown): Decoded<HubFrame> => decodeWith(HubFrame, text, MAX_HUB_FRAME_BYTES, HUB_JSON_BOUNDS);
