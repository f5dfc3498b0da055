/**
 * The journal's per-line checksum: the same CRC-32 as the hub's embedded log (one
 * implementation, native zlib.crc32 where Node/Electron ship it).
 */
import { crc32 } from '../../../hub/engine/embedded/crc32';

export { crc32, crc32Table } from '../../../hub/engine/embedded/crc32';

/** Always 8 lower-case hex digits: the line format depends on the fixed width. */
export const crc32Hex = (bytes: Uint8Array): string => crc32(bytes).toString(16).padStart(8, '0');
