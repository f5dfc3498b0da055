/**
 * One log line of `<dataDir>/events/<eventId>/log.jsonl`. Every line is valid JSON:
 *
 *   {"c":"<crc32 of BODY, 8 lowercase hex>",BODY}\n
 *   BODY = "e":<entry JSON>            (a line inside a batch)
 *        | "end":1,"e":<entry JSON>    (the last line of a batch: the commit mark)
 *
 * The checksum covers BODY's exact bytes, so a torn or bit-flipped line is detected without
 * trusting the JSON. A batch is what one write + one fsync made durable (group commit); only
 * lines up to a valid `"end":1` line were ever acknowledged, so recovery may drop an
 * unfinished batch at the tail as a whole (which also keeps each append call atomic).
 */
import type { LogEntry } from '../../../shared/domain/types';
import { crc32 } from './crc32';

const PREFIX = Buffer.from('{"c":"', 'latin1'); // then 8 hex digits, then '",'
const BODY_AT = 16; // PREFIX (6) + 8 hex + '",' (2)
const ENTRY_KEY = Buffer.from('"e":', 'latin1');
const END_MARK = Buffer.from('"end":1,', 'latin1');
const END_SEED = crc32(END_MARK);
const TAIL = Buffer.from('}\n', 'latin1');
const NL = 0x0a;

/** An entry encoded once, at append time, so the flush only copies bytes. */
export interface EncodedLine {
  /** `"e":<entry JSON>` */
  body: Buffer;
  /** crc32 of `body` alone (a line inside a batch). */
  crc: number;
}

/** Fixed key order and no stray fields: the stored entry is exactly a LogEntry. */
export function normaliseEntry(e: LogEntry): LogEntry {
  const out: LogEntry = { serial: e.serial, ts: e.ts, clientId: e.clientId, id: e.id, name: e.name, role: e.role, data: e.data };
  if (e.author !== undefined) out.author = e.author;
  if (e.rttMs !== undefined) out.rttMs = e.rttMs;
  if (e.watching !== undefined) out.watching = e.watching;
  return out;
}

export function encodeEntry(entry: LogEntry): EncodedLine {
  const body = Buffer.from(`"e":${JSON.stringify(entry)}`, 'utf8');
  return { body, crc: crc32(body) };
}

/** Bytes of a batch-inner line: the fixed frame around its body. */
export const lineLength = (l: EncodedLine): number => BODY_AT + l.body.length + TAIL.length;

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

/** The bytes of one batch: every line as is, the last one carrying the commit mark. */
export function encodeBatch(lines: readonly EncodedLine[]): Buffer {
  if (lines.length === 0) return Buffer.alloc(0);
  let size = 0;
  for (const l of lines) size += BODY_AT + l.body.length + TAIL.length;
  size += END_MARK.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  lines.forEach((l, i) => {
    const last = i === lines.length - 1;
    at += PREFIX.copy(out, at);
    at += out.write(hex8(last ? crc32(l.body, END_SEED) : l.crc), at, 'latin1');
    at += out.write('",', at, 'latin1');
    if (last) at += END_MARK.copy(out, at);
    at += l.body.copy(out, at);
    at += TAIL.copy(out, at);
  });
  return out;
}

export type LineCheck =
  | { ok: true; commit: boolean; entryStart: number; entryEnd: number }
  | { ok: false; reason: string };

const hexValue = (b: number): number => (b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1);

/** Byte loop, not Buffer.compare: these marks are 4-8 bytes and this runs on every line. */
export function startsWith(buf: Uint8Array, at: number, mark: Uint8Array): boolean {
  if (at + mark.length > buf.length) return false;
  for (let i = 0; i < mark.length; i++) if (buf[at + i] !== mark[i]) return false;
  return true;
}

/**
 * Verifies the line buf[start, nl) (nl: index of its '\n') and locates the entry JSON.
 * Cheap enough to run on every line at open: byte compares and one native crc32.
 */
export function checkLine(buf: Buffer, start: number, nl: number): LineCheck {
  if (nl - start < BODY_AT + ENTRY_KEY.length + 3) return { ok: false, reason: 'too short' };
  if (!startsWith(buf, start, PREFIX) || buf[start + 14] !== 0x22 || buf[start + 15] !== 0x2c || buf[nl - 1] !== 0x7d) {
    return { ok: false, reason: 'not a log line' };
  }
  let want = 0;
  for (let i = start + 6; i < start + 14; i++) {
    const v = hexValue(buf[i] as number);
    if (v < 0) return { ok: false, reason: 'bad checksum field' };
    want = want * 16 + v;
  }
  const bodyStart = start + BODY_AT;
  if (crc32(buf.subarray(bodyStart, nl - 1)) !== want) return { ok: false, reason: 'checksum mismatch' };
  const commit = startsWith(buf, bodyStart, END_MARK);
  const keyAt = commit ? bodyStart + END_MARK.length : bodyStart;
  if (!startsWith(buf, keyAt, ENTRY_KEY)) return { ok: false, reason: 'no entry' };
  return { ok: true, commit, entryStart: keyAt + ENTRY_KEY.length, entryEnd: nl - 1 };
}

export const NEWLINE = NL;
