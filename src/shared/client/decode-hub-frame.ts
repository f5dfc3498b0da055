/**
 * Validates a frame from the hub with small guards instead of zod, so the client stays light
 * enough for the phone's first-load budget. It checks every field the client reads, with the
 * types protocol/frames.ts declares; views, `self` and stats bodies stay `unknown` to the
 * client (their readers check them). Programs that bundle zod anyway may pass the full
 * `decodeHubFrame` of src/shared/protocol as the `decode` port instead. Never throws.
 */
import type { Decoded } from '../protocol/decode';
import type { HubFrame } from '../protocol/frames';
import { MAX_HUB_FRAME_BYTES } from '../protocol/limits';

type Rec = Record<string, unknown>;
type Check = (f: Rec) => string | null;

const isRec = (v: unknown): v is Rec => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): boolean => typeof v === 'string';
const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const serial = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const PATCH_OPS = new Set(['add', 'replace', 'remove', 'test', 'move', 'copy']);

function need(f: Rec, fields: Record<string, (v: unknown) => boolean>): string | null {
  for (const [k, ok] of Object.entries(fields)) if (!ok(f[k])) return `field "${k}" missing or of the wrong type`;
  return null;
}

const isOp = (v: unknown): boolean =>
  isRec(v) &&
  typeof v.op === 'string' &&
  PATCH_OPS.has(v.op) &&
  str(v.path) &&
  (v.op === 'move' || v.op === 'copy' ? str(v.from) : v.op === 'remove' ? true : 'value' in v);

const isEntry = (v: unknown): boolean => isRec(v) && Number.isInteger(v.serial) && str(v.clientId) && str(v.id) && str(v.name) && num(v.ts);

const CHECKS: Record<string, Check> = {
  welcome: (f) =>
    need(f, { connectionId: str, clientId: str, role: str, eventId: str, epoch: str, node: str, hubTime: num, limits: isRec }) ??
    need(f.limits as Rec, { maxFrameBytes: num, ratePerSec: num, syncHz: num }) ??
    (f.joinCode !== undefined && !str(f.joinCode) ? 'field "joinCode" is not a string' : null),
  pong: (f) => need(f, { id: (v) => str(v) || num(v), ts: num, hubTime: num }),
  ack: (f) =>
    need(f, { id: str, serial, applied: (v) => typeof v === 'boolean' }) ??
    (f.reason !== undefined && !str(f.reason) ? 'field "reason" is not a string' : null) ??
    (f.dup !== undefined && typeof f.dup !== 'boolean' ? 'field "dup" is not a boolean' : null),
  nack: (f) => need(f, { id: str, code: str, message: str }),
  error: (f) => need(f, { code: str, message: str }),
  history: (f) => need(f, { entries: (v) => Array.isArray(v) && v.every(isEntry), next: (v) => v === null || Number.isInteger(v) }),
  log: (f) => need(f, { entries: (v) => Array.isArray(v) && v.every(isEntry) }),
  sync: (f) => {
    const base = need(f, { view: (v) => v === 'staff' || v === 'audience', epoch: str, serial });
    if (base) return base;
    if (f.hash !== undefined && !(typeof f.hash === 'string' && /^[0-9a-f]{16}$/.test(f.hash))) return 'field "hash" is not 16 lower-case hex digits';
    if ('patch' in f) return need(f, { base: serial, patch: (v) => Array.isArray(v) && v.every(isOp) });
    return 'snapshot' in f ? null : 'a sync frame holds a snapshot or a patch';
  },
  self: (f) => ('data' in f ? null : 'field "data" missing'),
  stats: (f) => need(f, { ts: num, node: str }),
};

export function decodeHubFrameLight(text: unknown): Decoded<HubFrame> {
  if (typeof text !== 'string') return { ok: false, code: 'malformed', message: 'frames are UTF-8 text holding one JSON object' };
  if (text.length > MAX_HUB_FRAME_BYTES) return { ok: false, code: 'too_large', message: `frame exceeds ${MAX_HUB_FRAME_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: 'malformed', message: 'not valid JSON' };
  }
  if (!isRec(value)) return { ok: false, code: 'malformed', message: 'a frame is one JSON object' };
  if (typeof value.t !== 'string') return { ok: false, code: 'malformed', message: 'missing string field "t"' };
  const check = CHECKS[value.t];
  if (!check) return { ok: false, code: 'malformed', message: `unknown frame type "${value.t.slice(0, 32)}"` };
  const problem = check(value);
  if (problem) return { ok: false, code: 'malformed', message: `${value.t}: ${problem}` };
  return { ok: true, frame: value as unknown as HubFrame };
}
