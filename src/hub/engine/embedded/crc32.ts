/**
 * CRC-32 (IEEE 802.3, the zlib/PNG polynomial) of a byte range, continuing from `seed`.
 * Node >= 20.15 has a native zlib.crc32 (~GB/s), which keeps recovery of a million-line log
 * fast; the table-driven version is the fallback and the reference the tests compare to.
 */
import zlib from 'node:zlib';

const TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32Table(bytes: Uint8Array, seed = 0): number {
  let c = (seed ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = (TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

type NativeCrc = (data: Uint8Array, value?: number) => number;
const native: NativeCrc | undefined = typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined;

export function crc32(bytes: Uint8Array, seed = 0): number {
  return native ? native(bytes, seed) >>> 0 : crc32Table(bytes, seed);
}
