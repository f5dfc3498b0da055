/**
 * RFC 8785 (JCS) canonical JSON for the values views hold (P26): object keys sorted by UTF-16
 * code units at every level, no whitespace, numbers and strings as `JSON.stringify` writes them
 * (for finite numbers that is ECMAScript's Number-to-String, which is what JCS specifies).
 * Keys whose value is `undefined` are left out and `undefined` in an array is `null`, exactly as
 * the wire does, so hashing a view gives the hash of what a client receives.
 *
 * Views share unchanged sub-objects between states (hub: persistent state; clients: copy-on-write
 * patches) and are never changed once built, so the text of a small object is remembered by
 * identity (a WeakMap): a tick after one upvote re-encodes one question and joins the cached text
 * of the other 9,999. Containers larger than CACHE_MAX_CHARS are not kept with their view (the hub
 * holds 1,200 states per view for resume): the BIG_MAX most recently encoded keep their text, and
 * a record its sorted keys with each member's text, so an unchanged leaderboard costs a lookup, and
 * a 10,000-key record derived from a remembered one (json-patch declareDelta, used as a hint only:
 * every key is checked by identity here) reuses the members that are the same value, without
 * sorting its keys again.
 */
import { LruMap } from '../lru';
import { declaredBase } from '../json-patch';

const CACHE_MAX_CHARS = 16 * 1024;
const cache = new WeakMap<object, string>();

/** A big container's text; for a record also its keys, sorted, and `"key":value` per key (undefined: left out). */
interface Big {
  text: string;
  keys?: readonly string[];
  parts?: ReadonlyArray<string | undefined>;
}
const BIG_MAX = 16;
const big = new LruMap<object, Big>(BIG_MAX);

/** The canonical JSON text of `value`. Throws on what JSON cannot hold (NaN, Infinity, bigint, cycles). */
export function canonicalJson(value: unknown): string {
  const out = encode(value, 0);
  if (out === undefined) throw new TypeError('canonicalJson: the value is not JSON');
  return out;
}

const MAX_DEPTH = 200;

function encode(value: unknown, depth: number): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    default:
      break;
  }
  if (value === null) return 'null';
  const obj = value as object;
  const hit = cache.get(obj);
  if (hit !== undefined) return hit;
  const held = big.get(obj);
  if (held !== undefined) return held.text;
  if (depth > MAX_DEPTH) throw new TypeError('canonicalJson: nested too deep (a cycle?)');
  if (Array.isArray(obj)) {
    const parts: string[] = new Array<string>(obj.length);
    for (let i = 0; i < obj.length; i++) parts[i] = encode(obj[i], depth + 1) ?? 'null';
    const text = `[${parts.join(',')}]`;
    if (text.length <= CACHE_MAX_CHARS) cache.set(obj, text);
    else if (depth > 0) big.set(obj, { text });
    return text;
  }
  const rec = obj as Record<string, unknown>;
  const own = Object.keys(rec);
  const base = declaredBase(rec) as Record<string, unknown> | undefined;
  const prev = base === undefined ? undefined : big.peek(base);
  let keys: readonly string[];
  const parts: Array<string | undefined> = new Array<string | undefined>(own.length);
  if (prev?.keys && prev.parts && sameKeys(own, base as object, prev.keys.length)) {
    keys = prev.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const v = rec[k];
      parts[i] = v === (base as Record<string, unknown>)[k] ? prev.parts[i] : member(k, v, depth);
    }
  } else {
    // Default sort compares UTF-16 code units: what JCS asks for.
    keys = own.sort();
    for (let i = 0; i < keys.length; i++) parts[i] = member(keys[i] as string, rec[keys[i] as string], depth);
  }
  const present: string[] = [];
  for (const p of parts) if (p !== undefined) present.push(p);
  const text = `{${present.join(',')}}`;
  if (text.length <= CACHE_MAX_CHARS) cache.set(obj, text);
  else if (depth > 0) big.set(obj, { text, keys, parts });
  return text;
}

function member(key: string, value: unknown, depth: number): string | undefined {
  const v = encode(value, depth + 1);
  return v === undefined ? undefined : `${JSON.stringify(key)}:${v}`;
}

/** Whether `own` (a record's own keys, each once) are exactly the `n` own keys of `base`. */
function sameKeys(own: readonly string[], base: object, n: number): boolean {
  if (own.length !== n) return false;
  for (const k of own) if (!Object.hasOwn(base, k)) return false;
  return true;
}
