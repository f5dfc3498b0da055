/**
 * `log-index.snap`: what reopening a log would otherwise rebuild by reading every line (issue
 * 18) — the whole P14 dedupe index (every key of the log, as a KeyTable) and the sparse offset
 * index — up to a serial at the end of a batch. Opening with it reads and checksums this file,
 * checks the log still has that line at that offset (snapshot-file.ts), then scans only the tail.
 * Payload sections, each a multiple of 8 bytes: sparse offsets (float64), serials, hashes,
 * keyEnds (uint32), slots (int32), key bytes (padded).
 */
import path from 'node:path';
import { KeyTable } from './dedupe-index';
import { checkLogPoint, readSnapshot, writeSnapshot, type LogPoint } from './snapshot-file';

export const INDEX_SNAPSHOT_FILE = 'log-index.snap';
const KIND = 'log-index';
const SCHEMA = 1;

export interface IndexSnapshot {
  at: LogPoint;
  offsets: number[];
  table: KeyTable;
}

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;
const bytesOf = (a: ArrayBufferView, len = a.byteLength): Uint8Array => {
  const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (len === a.byteLength) return u;
  const out = new Uint8Array(len);
  out.set(u);
  return out;
};

export async function writeIndexSnapshot(dir: string, s: IndexSnapshot): Promise<void> {
  const { serials, hashes, keyEnds, slots, keyBytes } = s.table.a;
  const n = serials.length;
  const parts = [
    bytesOf(Float64Array.from(s.offsets)),
    bytesOf(serials, pad8(n * 4)),
    bytesOf(hashes, pad8(n * 4)),
    bytesOf(keyEnds, pad8((n + 1) * 4)),
    bytesOf(slots, pad8(slots.length * 4)),
    bytesOf(keyBytes, pad8(keyBytes.length)),
  ];
  const meta = { sparse: s.offsets.length, keys: n, slots: slots.length, keyBytes: keyBytes.length };
  await writeSnapshot(path.join(dir, INDEX_SNAPSHOT_FILE), KIND, SCHEMA, s.at, meta, parts);
}

/**
 * The log's index snapshot if it is whole and matches the log, else why not (null: none written).
 * `headerOnly`: checks the header and the log only; the result's offsets and table are empty.
 */
export async function readIndexSnapshot(dir: string, logFile: string, epoch: string, logBytes: number, sparseEvery: number, headerOnly = false): Promise<IndexSnapshot | { ignored: string } | null> {
  const r = await readSnapshot(path.join(dir, INDEX_SNAPSHOT_FILE), KIND, SCHEMA, headerOnly);
  if (r === null) return null;
  if (!r.ok) return { ignored: r.reason };
  const { header, payload } = r;
  const ints = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  const { sparse, keys, slots: slotCount, keyBytes: keyByteCount } = header.meta;
  if (!ints(sparse) || !ints(keys) || !ints(slotCount) || !ints(keyByteCount) || slotCount < 16 || (slotCount & (slotCount - 1)) !== 0 || slotCount < keys * 2) {
    return { ignored: 'bad section sizes' };
  }
  const m = { sparse, keys, slots: slotCount, keyBytes: keyByteCount };
  // One sparse offset per sparseEvery serials, and one key per serial (P14: every entry has its own).
  if (m.sparse !== Math.ceil(header.serial / sparseEvery) || m.keys !== header.serial) return { ignored: `sections do not fit serial ${header.serial}` };
  const sizes = [m.sparse * 8, pad8(m.keys * 4), pad8(m.keys * 4), pad8((m.keys + 1) * 4), pad8(m.slots * 4), pad8(m.keyBytes)];
  if (sizes.reduce((a, b) => a + b, 0) !== header.bytes) return { ignored: 'sections do not fill the payload' };
  const why = await checkLogPoint(logFile, header, epoch, logBytes);
  if (why) return { ignored: why };
  if (headerOnly) return { at: header, offsets: [], table: KeyTable.empty };
  let at = payload.byteOffset;
  const buf = payload.buffer;
  const take = <T>(make: (b: ArrayBufferLike, off: number) => T, size: number): T => {
    const v = make(buf, at);
    at += size;
    return v;
  };
  const offsets = Array.from(take((b, o) => new Float64Array(b, o, m.sparse), sizes[0] as number));
  const serials = take((b, o) => new Uint32Array(b, o, m.keys), sizes[1] as number);
  const hashes = take((b, o) => new Uint32Array(b, o, m.keys), sizes[2] as number);
  const keyEnds = take((b, o) => new Uint32Array(b, o, m.keys + 1), sizes[3] as number);
  const slots = take((b, o) => new Int32Array(b, o, m.slots), sizes[4] as number);
  const keyBytes = take((b, o) => new Uint8Array(b, o, m.keyBytes), sizes[5] as number);
  if (keyEnds[m.keys] !== m.keyBytes) return { ignored: 'key section does not match its size' };
  return { at: header, offsets, table: new KeyTable({ serials, hashes, keyEnds, keyBytes, slots }) };
}
