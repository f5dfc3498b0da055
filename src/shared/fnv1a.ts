/**
 * FNV-1a, 32 bits: a fast, deterministic, non-cryptographic hash for in-process tables (the
 * persistent map's trie, the log's dedupe index). Never for integrity: that is SHA-256.
 * Two inputs, one function: a string's UTF-16 code units (no encoding on the hot path) or bytes.
 */
const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/** Over a string's UTF-16 code units; signed, so V8 keeps it a small integer. */
export function fnv1aString(key: string): number {
  let h = OFFSET_BASIS;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, PRIME);
  }
  return h | 0;
}

/** Over bytes [start, end); unsigned, as stored in a Uint32Array (the dedupe index's snapshot). */
export function fnv1aBytes(buf: Uint8Array, start = 0, end = buf.length): number {
  let h = OFFSET_BASIS;
  for (let i = start; i < end; i++) {
    h ^= buf[i] as number;
    h = Math.imul(h, PRIME);
  }
  return h >>> 0;
}
