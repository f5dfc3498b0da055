/**
 * Streams a byte range of a file line by line through one reused buffer (no per-line
 * promises: a million-line log costs one await per chunk, not per line).
 */
import type { FileHandle } from 'node:fs/promises';
import { NEWLINE } from './line-codec';

/** Return false to stop early. `offset` is the file offset of buf[start]. */
export type OnLine = (buf: Buffer, start: number, nl: number, offset: number) => boolean | void;

export interface ScanEnd {
  /** File offset just past the last complete line handed to onLine. */
  endOffset: number;
  /** Bytes after that offset up to `to` that do not end in '\n' (a torn last line). */
  partialBytes: number;
  stopped: boolean;
}

export async function scanLines(handle: FileHandle, from: number, to: number, onLine: OnLine, chunkSize: number): Promise<ScanEnd> {
  let buf = Buffer.allocUnsafe(chunkSize);
  let len = 0; // valid bytes in buf
  let base = from; // file offset of buf[0]
  let pos = from; // next file offset to read
  for (;;) {
    const want = Math.min(buf.length - len, to - pos);
    let bytesRead = 0;
    if (want > 0) {
      ({ bytesRead } = await handle.read(buf, len, want, pos));
      len += bytesRead;
      pos += bytesRead;
    }
    const view = buf.subarray(0, len);
    let start = 0;
    for (let nl = view.indexOf(NEWLINE, start); nl >= 0; nl = view.indexOf(NEWLINE, start)) {
      if (onLine(view, start, nl, base + start) === false) return { endOffset: base + nl + 1, partialBytes: 0, stopped: true };
      start = nl + 1;
    }
    const done = bytesRead === 0 || pos >= to;
    if (done) return { endOffset: base + start, partialBytes: len - start, stopped: false };
    if (start > 0) {
      buf.copy(buf, 0, start, len);
      len -= start;
      base += start;
    } else if (len === buf.length) {
      // One line longer than the buffer: grow (entries are bounded by the frame limit).
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
  }
}
