/**
 * P14's dedupe index of one event log: (clientId, id) → serial, for every entry of the log (the
 * life of the event, not a window). Two tiers:
 * - cold: a KeyTable, an immutable open-addressing hash table held in a few flat buffers, loaded
 *   as is from the log's index snapshot (index-snapshot.ts) without building a JS object per key,
 *   so a million-key index opens in the time it takes to read and checksum ~40 MB;
 * - hot: a Map of the keys appended (or recovered from the log's tail) since that snapshot.
 * A lookup asks hot, then cold. Only hot keys are ever deleted (a refused batch rolls back keys
 * it just added, never a snapshotted one). Writing the next snapshot merges hot into a new cold
 * table, a slice at a time so appends keep flowing (KeyTable.merge).
 */

import { fnv1aBytes } from '../../../shared/fnv1a';

/** Stored in the index snapshot: changing it is a snapshot format change. */
const hashBytes = fnv1aBytes;

const MAX_SERIAL = 0xffff_ffff;
/** Keys handled between two yields while merging: a few milliseconds of work. */
const SLICE = 16_384;

export interface KeyTableArrays {
  serials: Uint32Array;
  hashes: Uint32Array;
  /** keyEnds[i]..keyEnds[i+1] are key i's bytes in keyBytes (keyEnds[0] = 0). */
  keyEnds: Uint32Array;
  keyBytes: Uint8Array;
  /** Open addressing, linear probing: 0 empty, else key index + 1. Length a power of two. */
  slots: Int32Array;
}

const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

export class KeyTable {
  static readonly empty = new KeyTable({ serials: new Uint32Array(0), hashes: new Uint32Array(0), keyEnds: new Uint32Array(1), keyBytes: new Uint8Array(0), slots: new Int32Array(16) });

  constructor(readonly a: KeyTableArrays) {}

  get size(): number {
    return this.a.serials.length;
  }

  get(key: Buffer): number | undefined {
    if (this.a.serials.length === 0) return undefined;
    const { serials, hashes, keyEnds, keyBytes, slots } = this.a;
    const h = hashBytes(key);
    const mask = slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = slots[i] as number;
      if (e === 0) return undefined;
      const k = e - 1;
      if (hashes[k] !== h) continue;
      const start = keyEnds[k] as number;
      const end = keyEnds[k + 1] as number;
      if (end - start === key.length && key.compare(keyBytes, start, end) === 0) return serials[k];
    }
  }

  /**
   * This table plus `more` (keys not in it, in serial order), as a new table; this one is
   * untouched, so lookups keep using it meanwhile. Yields to the event loop every SLICE keys;
   * `stopped()` true abandons the merge (the log is closing) and resolves null.
   */
  async merge(more: ReadonlyArray<readonly [string, number]>, stopped: () => boolean): Promise<KeyTable | null> {
    const old = this.a;
    const n0 = old.serials.length;
    const n = n0 + more.length;
    const encoded: Buffer[] = new Array<Buffer>(more.length);
    let extra = 0;
    for (let i = 0; i < more.length; i++) {
      if (i % SLICE === SLICE - 1) {
        await yieldTurn();
        if (stopped()) return null;
      }
      const [key, serial] = more[i] as readonly [string, number];
      if (serial > MAX_SERIAL) throw new Error(`serial ${serial} does not fit a key table`);
      const b = Buffer.from(key, 'utf8');
      encoded[i] = b;
      extra += b.length;
    }
    const serials = new Uint32Array(n);
    const hashes = new Uint32Array(n);
    const keyEnds = new Uint32Array(n + 1);
    const keyBytes = new Uint8Array(old.keyBytes.length + extra);
    serials.set(old.serials);
    hashes.set(old.hashes);
    keyEnds.set(old.keyEnds);
    keyBytes.set(old.keyBytes);
    let at = old.keyBytes.length;
    for (let i = 0; i < more.length; i++) {
      if (i % SLICE === SLICE - 1) {
        await yieldTurn();
        if (stopped()) return null;
      }
      const b = encoded[i] as Buffer;
      keyBytes.set(b, at);
      serials[n0 + i] = (more[i] as readonly [string, number])[1];
      hashes[n0 + i] = hashBytes(b);
      at += b.length;
      keyEnds[n0 + i + 1] = at;
    }
    // At most half full. Same capacity: the old slots stay valid, only the new keys go in.
    let cap = 16;
    while (cap < n * 2) cap *= 2;
    const slots = new Int32Array(cap);
    const first = cap === old.slots.length ? n0 : 0;
    if (first > 0) slots.set(old.slots);
    const mask = cap - 1;
    for (let k = first; k < n; k++) {
      if ((k - first) % SLICE === SLICE - 1) {
        await yieldTurn();
        if (stopped()) return null;
      }
      let i = (hashes[k] as number) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = k + 1;
    }
    return new KeyTable({ serials, hashes, keyEnds, keyBytes, slots });
  }
}

export class DedupeIndex {
  constructor(
    private coldTable: KeyTable = KeyTable.empty,
    private readonly hot = new Map<string, number>(),
  ) {}

  get cold(): KeyTable {
    return this.coldTable;
  }

  get size(): number {
    return this.coldTable.size + this.hot.size;
  }

  get(key: string): number | undefined {
    const s = this.hot.get(key);
    if (s !== undefined || this.coldTable.size === 0) return s;
    return this.coldTable.get(Buffer.from(key, 'utf8'));
  }

  /** A key not in the index yet. */
  set(key: string, serial: number): void {
    this.hot.set(key, serial);
  }

  /** Only keys added since the snapshot can be rolled back. */
  delete(key: string): void {
    this.hot.delete(key);
  }

  /** Hot keys with serial <= `upTo`, in insertion (serial) order: what the next snapshot adds. */
  hotUpTo(upTo: number): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (const e of this.hot) {
      if (e[1] > upTo) break;
      out.push(e);
    }
    return out;
  }

  /** The snapshot holding `moved` was written: its table becomes cold, those keys leave hot. */
  promote(table: KeyTable, moved: ReadonlyArray<readonly [string, number]>): void {
    this.coldTable = table;
    for (const [k, s] of moved) if (this.hot.get(k) === s) this.hot.delete(k);
  }
}
