/**
 * An RFC 8785 canonicaliser written for the tests only, independently of src/shared/integrity:
 * its own string escaper (RFC 8785 section 3.2.2.2), its own key comparison by UTF-16 code
 * units, no caching. If the hub's hashes match this, two implementations agree on the bytes.
 */
import crypto from 'node:crypto';

const SHORT: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r', 0x22: '\\"', 0x5c: '\\\\' };

function escapeString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const short = SHORT[c];
    if (short) out += short;
    else if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c >= 0xd800 && c <= 0xdfff) {
      // A well-formed pair is written as is; a lone surrogate is escaped (ES2019 well-formed JSON.stringify).
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out += s.slice(i, i + 2);
        i++;
      } else out += `\\u${c.toString(16)}`;
    } else out += s.charAt(i);
  }
  return `${out}"`;
}

function compareUtf16(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a JSON number: ${n}`);
  // RFC 8785 3.2.2.3: ES Number::toString; -0 is "0" (String does that too).
  return Object.is(n, -0) ? '0' : String(n);
}

export function jcs(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return escapeString(v);
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : jcs(x))).join(',')}]`;
  if (typeof v === 'object') {
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec)
      .filter((k) => rec[k] !== undefined)
      .sort(compareUtf16);
    return `{${keys.map((k) => `${escapeString(k)}:${jcs(rec[k])}`).join(',')}}`;
  }
  throw new Error(`not JSON: ${typeof v}`);
}

export const independentHash = (v: unknown): string => crypto.createHash('sha256').update(jcs(v), 'utf8').digest('hex').slice(0, 16);
