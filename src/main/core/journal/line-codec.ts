/**
 * The line format: `{"c":"<crc32 hex of the r text>","r":<record JSON>}\n`. The checksum
 * covers the exact bytes of the record text, which sit at a fixed offset (the hex is always
 * 8 digits), so verifying a line never re-serialises the record.
 */
import { crc32, crc32Hex } from './crc32';
import { JournalError } from './errors';

export type JournalRecord = Record<string, unknown>;

const PREFIX_A = Buffer.from('{"c":"'); // bytes 0..5
const PREFIX_B = Buffer.from('","r":'); // bytes 14..19
const BODY_START = 20;
const NL = 0x0a;

export function encodeLine(record: JournalRecord): Buffer {
  let body: string | undefined;
  try {
    body = JSON.stringify(record);
  } catch (err) {
    throw new JournalError('invalid', `record is not JSON-serialisable: ${String(err)}`);
  }
  if (typeof body !== 'string' || body[0] !== '{') throw new JournalError('invalid', 'a record must be a JSON object');
  const bodyBytes = Buffer.from(body, 'utf8');
  const line = Buffer.allocUnsafe(BODY_START + bodyBytes.length + 2);
  PREFIX_A.copy(line, 0);
  line.write(crc32Hex(bodyBytes), 6, 'latin1');
  PREFIX_B.copy(line, 14);
  bodyBytes.copy(line, BODY_START);
  line[line.length - 2] = 0x7d; // }
  line[line.length - 1] = NL;
  return line;
}

export const encodeLines = (records: readonly JournalRecord[]): Buffer => Buffer.concat(records.map(encodeLine));

export interface CorruptLine {
  /** Byte offset of the line in the file. */
  offset: number;
  length: number;
  reason: 'format' | 'checksum' | 'json';
}

export interface DecodeResult {
  records: JournalRecord[];
  /** Bad lines followed by at least one good line: real damage, reported, never replayed. */
  corrupt: CorruptLine[];
  /** Where the file should end: after the last good, newline-terminated line. */
  goodLength: number;
  /** Lines (complete or not) after the last good one: a torn tail, dropped by truncation. */
  tornLines: number;
}

function checkLine(buf: Buffer, start: number, end: number): JournalRecord | CorruptLine['reason'] {
  // end is the index of the '\n'
  const len = end - start;
  if (len < BODY_START + 3 || buf[end - 1] !== 0x7d) return 'format';
  if (buf.compare(PREFIX_A, 0, 6, start, start + 6) !== 0 || buf.compare(PREFIX_B, 0, 6, start + 14, start + 20) !== 0) return 'format';
  const want = Number.parseInt(buf.toString('latin1', start + 6, start + 14), 16);
  if (!Number.isFinite(want) || crc32(buf.subarray(start + BODY_START, end - 1)) !== want) return 'checksum';
  try {
    const value: unknown = JSON.parse(buf.toString('utf8', start + BODY_START, end - 1));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'json';
    return value as JournalRecord;
  } catch {
    return 'json';
  }
}

export function decodeLines(buf: Buffer): DecodeResult {
  const records: JournalRecord[] = [];
  const bad: CorruptLine[] = [];
  let goodLength = 0;
  let pos = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(NL, pos);
    if (nl < 0) break; // no newline: the write never finished; counted as torn below
    const r = checkLine(buf, pos, nl);
    if (typeof r === 'string') bad.push({ offset: pos, length: nl + 1 - pos, reason: r });
    else {
      records.push(r);
      goodLength = nl + 1;
    }
    pos = nl + 1;
  }
  const corrupt = bad.filter((b) => b.offset < goodLength);
  const tornLines = bad.length - corrupt.length + (pos < buf.length ? 1 : 0);
  return { records, corrupt, goodLength, tornLines };
}
