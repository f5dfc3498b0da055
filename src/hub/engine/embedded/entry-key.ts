/**
 * Recovery's fast path: the serial and dedupe key of a stored entry without JSON.parse.
 * The engine writes every entry with the same leading keys (normaliseEntry):
 *   {"serial":N,"ts":N,"clientId":"...","id":"...",...
 * and the line's checksum already proved these are the bytes it wrote. Anything else
 * (an escape inside a string, a different layout) returns null and the caller parses.
 */
import { startsWith } from './line-codec';

const SERIAL = Buffer.from('{"serial":', 'latin1');
const TS = Buffer.from(',"ts":', 'latin1');
const CLIENT = Buffer.from(',"clientId":"', 'latin1');
const ID = Buffer.from('","id":"', 'latin1');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** Builds `clientId \u0000 id` in one decode, so the Map key is one flat string. */
const scratch = Buffer.allocUnsafe(1024);

export interface KeyedEntry {
  serial: number;
  key: string;
}

function stringEnd(buf: Buffer, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const b = buf[i];
    if (b === QUOTE) return i;
    if (b === BACKSLASH) return -1;
  }
  return -1;
}

export function readEntryKey(buf: Buffer, start: number, end: number): KeyedEntry | null {
  if (!startsWith(buf, start, SERIAL)) return null;
  let i = start + SERIAL.length;
  let serial = 0;
  const digitsAt = i;
  for (; i < end; i++) {
    const d = (buf[i] as number) - 0x30;
    if (d < 0 || d > 9) break;
    serial = serial * 10 + d;
  }
  if (i === digitsAt || !startsWith(buf, i, TS)) return null;
  i += TS.length;
  while (i < end && buf[i] !== COMMA) i++;
  if (!startsWith(buf, i, CLIENT)) return null;
  const clientAt = i + CLIENT.length;
  const clientEnd = stringEnd(buf, clientAt, end);
  if (clientEnd < 0 || !startsWith(buf, clientEnd, ID)) return null;
  const idAt = clientEnd + ID.length;
  const idEnd = stringEnd(buf, idAt, end);
  if (idEnd < 0) return null;
  const clientLen = clientEnd - clientAt;
  const idLen = idEnd - idAt;
  if (clientLen + idLen + 1 > scratch.length) return null;
  buf.copy(scratch, 0, clientAt, clientEnd);
  scratch[clientLen] = 0;
  buf.copy(scratch, clientLen + 1, idAt, idEnd);
  return { serial, key: scratch.toString('utf8', 0, clientLen + 1 + idLen) };
}
