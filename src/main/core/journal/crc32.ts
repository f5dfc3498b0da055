/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial), used as the per-line checksum. Node ≥ 20.15
 * and Electron's Node ship zlib.crc32 (native, ~10x faster); the table version is the
 * fallback and the reference the tests compare against.
 */
import zlib from 'node:zlib';

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32Table(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type NativeCrc = (data: Uint8Array, value?: number) => number;
const native: NativeCrc | undefined = (zlib as { crc32?: NativeCrc }).crc32;

export const crc32 = (bytes: Uint8Array): number => (native ? native(bytes) >>> 0 : crc32Table(bytes));

/** Always 8 lower-case hex digits: the line format depends on the fixed width. */
export const crc32Hex = (bytes: Uint8Array): string => crc32(bytes).toString(16).padStart(8, '0');
