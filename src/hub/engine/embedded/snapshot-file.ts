/**
 * Snapshot files beside an event's log (issue 18): `log-index.snap` (the engine's dedupe and
 * offset indexes) and `state.snap` (the hub's folded state). Each says which prefix of the log
 * it covers, and a reader trusts it only if the log still starts with exactly that prefix:
 *
 *   <header JSON, padded with spaces to a multiple of 8 bytes, ending in "\n"><payload bytes>
 *   header: {"snapshot":kind,"schema":n,"endian":"LE","epoch","serial","lineStart","offset","lineCrc","bytes","meta","sha256"}
 *
 * `serial` is the last entry covered; its log line spans [lineStart, offset) and carries the
 * checksum `lineCrc`; `offset` is also where the tail to fold starts. `sha256` covers the header
 * without that field (as JSON, keys in the order above) then the payload. Written with
 * writeFileAtomic (temp + fsync + rename + dir fsync), so a reader sees a whole old or a whole
 * new file. Anything that does not match (checksum, schema, epoch, a serial or offset past the
 * log, a different line at the offset) is ignored with its reason: the caller folds the log.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import { errnoOf } from '../../../shared/node/errno';
import { sha256HexOfBytes } from '../../../shared/node/sha256';
import { readEntryKey } from './entry-key';
import { writeFileAtomic } from './fs-durable';
import { checkLine } from './line-codec';
import { parseKey } from './log-recovery';

/** Where a snapshot stops in its log. */
export interface LogPoint {
  epoch: string;
  serial: number;
  lineStart: number;
  offset: number;
  lineCrc: string;
}

export interface SnapshotHeader extends LogPoint {
  snapshot: string;
  schema: number;
  endian: 'LE' | 'BE';
  bytes: number;
  /** Kind-specific small fields (section sizes). */
  meta: Record<string, number>;
}

export type SnapshotRead = { ok: true; header: SnapshotHeader; payload: Buffer } | { ok: false; reason: string };

const ENDIAN = os.endianness();

function coreOf(h: SnapshotHeader): string {
  const { snapshot, schema, endian, epoch, serial, lineStart, offset, lineCrc, bytes, meta } = h;
  return JSON.stringify({ snapshot, schema, endian, epoch, serial, lineStart, offset, lineCrc, bytes, meta });
}

export async function writeSnapshot(file: string, kind: string, schema: number, at: LogPoint, meta: Record<string, number>, parts: readonly Uint8Array[]): Promise<void> {
  const bytes = parts.reduce((n, p) => n + p.byteLength, 0);
  const header: SnapshotHeader = { snapshot: kind, schema, endian: ENDIAN, ...at, bytes, meta };
  const core = coreOf(header);
  const sha256 = sha256HexOfBytes([Buffer.from(`${core}\n`, 'utf8'), ...parts]);
  let line = JSON.stringify({ ...JSON.parse(core), sha256 });
  line += ' '.repeat((8 - ((Buffer.byteLength(line) + 1) % 8)) % 8);
  await writeFileAtomic(file, Buffer.concat([Buffer.from(`${line}\n`, 'utf8'), ...parts]));
}

/**
 * Reads and checks a snapshot file by itself (null: there is none). The payload is 8-byte
 * aligned. `headerOnly`: only the header and the file's length are checked (a start-up check
 * that closes the log again; the open that uses the payload checks it whole).
 */
export async function readSnapshot(file: string, kind: string, schema: number, headerOnly = false): Promise<SnapshotRead | null> {
  let buf: Buffer;
  let size: number;
  try {
    if (headerOnly) {
      const h = await fs.open(file, 'r');
      try {
        size = (await h.stat()).size;
        buf = Buffer.alloc(Math.min(size, 64 * 1024));
        await h.read(buf, 0, buf.length, 0);
      } finally {
        await h.close();
      }
    } else {
      buf = await fs.readFile(file);
      size = buf.length;
    }
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT') return null;
    return { ok: false, reason: `unreadable (${code ?? String(err)})` };
  }
  const nl = buf.indexOf(0x0a);
  if (nl < 0) return { ok: false, reason: 'no header line' };
  let header: SnapshotHeader & { sha256?: unknown };
  try {
    header = JSON.parse(buf.toString('utf8', 0, nl)) as SnapshotHeader & { sha256?: unknown };
  } catch {
    return { ok: false, reason: 'header is not JSON' };
  }
  if (header.snapshot !== kind) return { ok: false, reason: `not a ${kind} snapshot` };
  if (header.schema !== schema) return { ok: false, reason: `schema ${String(header.schema)}, this hub reads ${schema}` };
  if (header.endian !== ENDIAN) return { ok: false, reason: `written on a ${String(header.endian)} machine` };
  const payloadAt = nl + 1;
  if (size - payloadAt !== header.bytes) return { ok: false, reason: `truncated: ${size - payloadAt} payload bytes of ${String(header.bytes)}` };
  if (headerOnly) return { ok: true, header, payload: Buffer.alloc(0) };
  const core = coreOf(header);
  let payload = buf.subarray(payloadAt);
  if (sha256HexOfBytes([Buffer.from(`${core}\n`, 'utf8'), payload]) !== header.sha256) return { ok: false, reason: 'checksum mismatch' };
  if (payload.byteOffset % 8 !== 0) payload = Buffer.from(payload); // typed-array views need alignment
  return { ok: true, header, payload };
}

/**
 * Why the log no longer holds the prefix a snapshot covers (null: it does). `logBytes` is the
 * log's length (or its durable prefix).
 */
export async function checkLogPoint(logFile: string, at: LogPoint, epoch: string, logBytes: number): Promise<string | null> {
  if (at.epoch !== epoch) return `epoch ${at.epoch}, the log's is ${epoch}`;
  if (!(Number.isSafeInteger(at.serial) && at.serial > 0 && at.lineStart >= 0 && at.offset > at.lineStart)) return 'bad log position';
  if (at.offset > logBytes) return `covers ${at.offset} log bytes, the log has ${logBytes}`;
  const line = await lineAt(logFile, at.lineStart, at.offset);
  if (typeof line === 'string') return `the log line at byte ${at.lineStart} ${line}`;
  if (line.serial !== at.serial) return `the log line at byte ${at.lineStart} is serial ${line.serial}, not ${at.serial}`;
  if (line.crc !== at.lineCrc) return `the log line of serial ${at.serial} changed`;
  return null;
}

/** The log line [start, end): its serial and checksum field. */
export async function lineAt(logFile: string, start: number, end: number): Promise<{ serial: number; crc: string } | string> {
  const h = await fs.open(logFile, 'r');
  try {
    const buf = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await h.read(buf, 0, buf.length, start);
    if (bytesRead !== buf.length || buf[buf.length - 1] !== 0x0a) return 'is cut short';
    const chk = checkLine(buf, 0, buf.length - 1);
    if (!chk.ok) return `is damaged (${chk.reason})`;
    const k = readEntryKey(buf, chk.entryStart, chk.entryEnd) ?? parseKey(buf, chk.entryStart, chk.entryEnd);
    if (typeof k === 'string') return `is not an entry (${k})`;
    return { serial: k.serial, crc: buf.toString('latin1', 6, 14) };
  } finally {
    await h.close();
  }
}
