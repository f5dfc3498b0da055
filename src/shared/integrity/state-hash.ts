/**
 * P26: a view state's hash, the first 16 lower-case hex digits of SHA-256 over its canonical
 * JSON (UTF-8). Pure and synchronous so every client can check a frame right after applying it,
 * in the browser too; @noble/hashes (audited, no dependencies, ~4 KB of it here) rather than
 * node:crypto, which a browser does not have and whose WebCrypto twin is asynchronous. The hub
 * passes node:crypto's digest for speed; both give the same hex (tests/integrity pins it).
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex } from '@noble/hashes/utils';
import { canonicalJson } from './canonical-json';

export const STATE_HASH_HEX_DIGITS = 16;

/** SHA-256 of a string's UTF-8 bytes, as lower-case hex. */
export type Sha256Hex = (text: string) => string;

export const nobleSha256Hex: Sha256Hex = (text) => bytesToHex(sha256(text));

export function stateHash(view: unknown, sha256Hex: Sha256Hex = nobleSha256Hex): string {
  return sha256Hex(canonicalJson(view)).slice(0, STATE_HASH_HEX_DIGITS);
}
