/**
 * RFC 8785 (JCS) canonical JSON for the values views hold (P26): object keys sorted by UTF-16
 * code units at every level, no whitespace, numbers and strings as `JSON.stringify` writes them
 * (for finite numbers that is ECMAScript's Number-to-String, which is what JCS specifies).
 * Keys whose value is `undefined` are left out and `undefined` in an array is `null`, exactly as
 * the wire does, so hashing a view gives the hash of what a client receives.
 *
 * Views share unchanged sub-objects between states (hub: persistent state; clients: copy-on-write
 * patches), so the text of a small object is remembered by identity: a tick after one upvote
 * re-encodes one question and joins the cached text of the other 9,999. Containers larger than
 * CACHE_MAX_CHARS are rebuilt from their children each time, which bounds the cache to about one
 * extra copy of the view.
 */

const CACHE_MAX_CHARS = 16 * 1024;
const cache = new WeakMap<object, string>();

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
  if (depth > MAX_DEPTH) throw new TypeError('canonicalJson: nested too deep (a cycle?)');
  let text: string;
  if (Array.isArray(obj)) {
    const parts: string[] = new Array<string>(obj.length);
    for (let i = 0; i < obj.length; i++) parts[i] = encode(obj[i], depth + 1) ?? 'null';
    text = `[${parts.join(',')}]`;
  } else {
    const rec = obj as Record<string, unknown>;
    // Default sort compares UTF-16 code units: what JCS asks for.
    const keys = Object.keys(rec).sort();
    const parts: string[] = [];
    for (const k of keys) {
      const v = encode(rec[k], depth + 1);
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${v}`);
    }
    text = `{${parts.join(',')}}`;
  }
  if (text.length <= CACHE_MAX_CHARS) cache.set(obj, text);
  return text;
}
