/**
 * RFC 6902 JSON Patch for view sync (PROTOCOL.md P18-P19): `diff` on the hub, `applyPatch` on
 * every client. Views share unchanged sub-objects between states, so `diff` skips any pair that
 * is the same object (`===`): an unchanged poll or question costs one comparison.
 */
import { getOwn, setOwn } from './domain/own';
import type { PatchOp } from './protocol/frames';

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** RFC 6901: "~" → "~0", "/" → "~1". */
export const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');
const unescapePointer = (token: string): string => token.replace(/~1/g, '/').replace(/~0/g, '~');

/** next → the object it was derived from, and the only keys where the two may differ. */
const deltas = new WeakMap<object, { base: object; keys: readonly string[] }>();

/**
 * Declares that the plain object `next` equals `base` except perhaps at `keys` (every other key
 * holds the very same value, by reference). `diff(base, next)` then visits only those keys
 * instead of every key: view selectors declare this when they rebuild a 10,000-key record after
 * one question changed. The caller vouches for it; `keys` must not repeat.
 */
export function declareDelta(base: object, next: object, keys: readonly string[]): void {
  deltas.set(next, { base, keys });
}

/** The object `next` was declared to be derived from (declareDelta), if any: a hint, e.g. for P26's canonical JSON, which checks every key itself. */
export function declaredBase(next: object): object | undefined {
  return deltas.get(next)?.base;
}

/** A patch that turns `a` into `b`. Arrays diff by identity-aware prefix/suffix, so a shifting chat costs two ops. */
export function diff(a: Json, b: Json): PatchOp[] {
  const ops: PatchOp[] = [];
  diffInto(a, b, '', ops);
  return ops;
}

function diffInto(a: Json, b: Json, path: string, ops: PatchOp[]): void {
  if (Object.is(a, b)) return;
  if (isObject(a) && isObject(b)) {
    const delta = deltas.get(b);
    if (delta && delta.base === a) return diffKeys(a, b, delta.keys, path, ops);
    for (const key of Object.keys(a)) if (!Object.hasOwn(b, key)) ops.push({ op: 'remove', path: `${path}/${escapePointer(key)}` });
    for (const key of Object.keys(b)) {
      const p = `${path}/${escapePointer(key)}`;
      if (Object.hasOwn(a, key)) diffInto(a[key], b[key], p, ops);
      else ops.push({ op: 'add', path: p, value: b[key] });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) return diffArray(a, b, path, ops);
  ops.push({ op: 'replace', path, value: b });
}

function diffKeys(a: JsonObject, b: JsonObject, keys: readonly string[], path: string, ops: PatchOp[]): void {
  for (const key of keys) {
    const p = `${path}/${escapePointer(key)}`;
    const inA = Object.hasOwn(a, key);
    if (!Object.hasOwn(b, key)) {
      if (inA) ops.push({ op: 'remove', path: p });
    } else if (inA) diffInto(a[key], b[key], p, ops);
    else ops.push({ op: 'add', path: p, value: b[key] });
  }
}

function diffArray(a: Json[], b: Json[], path: string, ops: PatchOp[]): void {
  // Trim what is the same object at both ends; what is left is the changed middle.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const lenA = endA - start;
  const lenB = endB - start;
  // A shift (the capped chat: oldest dropped, newest appended): b's middle begins with the tail of a's.
  const k = lenA > 1 && lenB > 0 ? a.indexOf(b[start], start + 1) : -1;
  if (k > start && k < endA && sameRun(a, k, endA, b, start, endB)) {
    for (let i = start; i < k; i++) ops.push({ op: 'remove', path: `${path}/${start}` });
    for (let i = endA - k; i < lenB; i++) ops.push({ op: 'add', path: `${path}/${start + i}`, value: b[start + i] });
    return;
  }
  const common = Math.min(lenA, lenB);
  for (let i = 0; i < common; i++) diffInto(a[start + i], b[start + i], `${path}/${start + i}`, ops);
  for (let i = lenA - 1; i >= common; i--) ops.push({ op: 'remove', path: `${path}/${start + i}` });
  for (let i = common; i < lenB; i++) ops.push({ op: 'add', path: `${path}/${start + i}`, value: b[start + i] });
}

/** a[fromA..endA) equals, element by element (===), the start of b[fromB..endB). */
function sameRun(a: Json[], fromA: number, endA: number, b: Json[], fromB: number, endB: number): boolean {
  const n = endA - fromA;
  if (n > endB - fromB) return false;
  for (let i = 0; i < n; i++) if (a[fromA + i] !== b[fromB + i]) return false;
  return true;
}

export type PatchResult = { ok: true; doc: Json } | { ok: false; error: string };

class PatchError extends Error {}

/**
 * Applies `ops` in order to a copy of `doc` (the input is never mutated: containers on a changed
 * path are copied once per call, the rest is shared). Never throws: a bad op is `{ok:false}`.
 */
export function applyPatch(doc: Json, ops: readonly PatchOp[]): PatchResult {
  try {
    return { ok: true, doc: new Patcher(doc).run(ops) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

type Container = JsonObject | Json[];

class Patcher {
  /** Containers copied by this call, so safe to write in place. */
  private readonly owned = new WeakSet<object>();
  constructor(private root: Json) {}

  run(ops: readonly PatchOp[]): Json {
    if (!Array.isArray(ops)) throw new PatchError('a patch is an array of operations');
    ops.forEach((op, i) => {
      try {
        this.one(op);
      } catch (err) {
        throw new PatchError(`op ${i} (${String((op as { op?: unknown })?.op)} ${String((op as { path?: unknown })?.path)}): ${err instanceof Error ? err.message : String(err)}`);
      }
    });
    return this.root;
  }

  private one(op: PatchOp): void {
    if (op === null || typeof op !== 'object' || typeof op.path !== 'string') throw new PatchError('malformed operation');
    switch (op.op) {
      case 'add':
        return this.add(op.path, op.value);
      case 'remove':
        this.remove(op.path);
        return;
      case 'replace':
        return this.replace(op.path, op.value);
      case 'test':
        if (!deepEqual(this.get(op.path), op.value)) throw new PatchError('test failed');
        return;
      case 'move': {
        if (typeof op.from !== 'string') throw new PatchError('malformed "from"');
        if (op.path.startsWith(`${op.from}/`)) throw new PatchError('cannot move a value into itself');
        if (op.path === op.from) return;
        return this.add(op.path, this.remove(op.from));
      }
      case 'copy':
        if (typeof op.from !== 'string') throw new PatchError('malformed "from"');
        return this.add(op.path, this.get(op.from));
      default:
        throw new PatchError('unknown op');
    }
  }

  private get(path: string): Json {
    let cur = this.root;
    for (const token of tokens(path)) {
      const next = child(cur, token);
      if (next === undefined) throw new PatchError('path not found');
      cur = next;
    }
    return cur;
  }

  /** The container holding the last token, copied on the way down so it can be written. */
  private parentOf(path: string): { parent: Container; key: string } {
    const toks = tokens(path);
    const key = toks.pop() as string;
    this.root = this.own(this.root);
    let cur = this.root;
    for (const token of toks) {
      const next = child(cur, token);
      if (next === undefined) throw new PatchError('path not found');
      const copy = this.own(next);
      if (copy !== next) write(cur as Container, token, copy);
      cur = copy;
    }
    if (cur === null || typeof cur !== 'object') throw new PatchError('parent is not a container');
    return { parent: cur as Container, key };
  }

  private own(v: Json): Json {
    if (v === null || typeof v !== 'object' || this.owned.has(v)) return v;
    const copy: Container = Array.isArray(v) ? v.slice() : { ...(v as JsonObject) };
    this.owned.add(copy);
    return copy;
  }

  private add(path: string, value: Json): void {
    if (path === '') {
      this.root = value;
      return;
    }
    const { parent, key } = this.parentOf(path);
    if (Array.isArray(parent)) {
      const i = key === '-' ? parent.length : arrayIndex(key, parent.length + 1);
      parent.splice(i, 0, value);
    } else setOwn(parent, key, value);
  }

  private replace(path: string, value: Json): void {
    if (path === '') {
      this.root = value;
      return;
    }
    const { parent, key } = this.parentOf(path);
    if (Array.isArray(parent)) parent[arrayIndex(key, parent.length)] = value;
    else if (Object.hasOwn(parent, key)) setOwn(parent, key, value);
    else throw new PatchError('path not found');
  }

  private remove(path: string): Json {
    if (path === '') throw new PatchError('cannot remove the whole document');
    const { parent, key } = this.parentOf(path);
    if (Array.isArray(parent)) return parent.splice(arrayIndex(key, parent.length), 1)[0];
    if (!Object.hasOwn(parent, key)) throw new PatchError('path not found');
    const old = parent[key];
    delete parent[key];
    return old;
  }
}

function tokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError('a path starts with "/"');
  return path.slice(1).split('/').map(unescapePointer);
}

function arrayIndex(token: string, bound: number): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError('bad array index');
  const i = Number(token);
  if (i >= bound) throw new PatchError('array index out of range');
  return i;
}

function child(cur: Json, token: string): Json | undefined {
  if (Array.isArray(cur)) return /^(0|[1-9][0-9]*)$/.test(token) ? cur[Number(token)] : undefined;
  if (isObject(cur)) return getOwn(cur, token);
  return undefined;
}

function write(container: Container, token: string, value: Json): void {
  if (Array.isArray(container)) container[Number(token)] = value;
  else setOwn(container, token, value);
}

/** Structural equality of JSON values (for `test`). */
export function deepEqual(a: Json, b: Json): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}
