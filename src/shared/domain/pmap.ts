/**
 * A small persistent hash map (a hash trie with 32-way branches and leaf buckets of up to 64
 * entries) for the large per-client maps of the event state: ballots per poll, upvoters per
 * question, quiz answers and scores. An update copies only the path to the touched bucket
 * (two 33-slot branches and one leaf at 20,000 keys), so a million votes never copy a
 * 20,000-entry map. Each extra level is a likely cache miss, and that costs more than scanning
 * a longer leaf: in batch folds, leaves of up to 64 folded 1.52x, 1.18x and 1.69x the votes per
 * CPU-second of leaves of up to 32 at 2,000, 20,000 and 50,000 clients (fewer full leaves to split
 * or copy whole, fewer sparse third-level branches; bench/lib/reducer-ab.ts, 2026-12-02).
 * It is plain JSON (arrays of numbers, strings and values): a snapshot of the state is
 * `JSON.stringify(state)`, and a parsed snapshot works as is.
 *
 * Nodes are flat arrays, tagged by their first slot, because every pointer hop is a likely
 * cache miss with 20,000 clients per poll:
 *   branch: [0, child0, ..., child31]   (child: a node or null; slot = 5 bits of the hash)
 *   leaf:   [1, hash, key, value, hash, key, value, ...]   (insertion order)
 * Leaves keep each key's hash so a lookup compares small integers, not strings.
 */
import type { Owner } from './owner';
import { fnv1aString } from '../fnv1a';

export type PNode<V> = Array<number | string | V | PNode<V> | null>;
export interface PMap<V> {
  size: number;
  root: PNode<V>;
}

const BRANCH = 0;
const LEAF = 1;
const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;
const LEAF_MAX = 64;
/** Past this shift the 32-bit hash has no bits left: leaves there just grow (full collisions only). */
const MAX_SHIFT = 32 - BITS;

/** Deterministic on every platform, so a trie's shape never depends on where it was built. */
const hashKey = fnv1aString;

export function emptyMap<V>(): PMap<V> {
  return { size: 0, root: [LEAF] };
}

const childAt = <V>(branch: PNode<V>, h: number, shift: number): PNode<V> | null =>
  (branch[1 + ((h >>> shift) & MASK)] as PNode<V> | null | undefined) ?? null;

export function pget<V>(map: PMap<V>, key: string): V | undefined {
  const h = hashKey(key);
  let node = map.root;
  let shift = 0;
  while (node[0] === BRANCH) {
    const child = childAt(node, h, shift);
    if (!child) return undefined;
    node = child;
    shift += BITS;
  }
  for (let i = 1; i < node.length; i += 3) if (node[i] === h && node[i + 1] === key) return node[i + 2] as V;
  return undefined;
}

function newBranch<V>(): PNode<V> {
  const b: PNode<V> = new Array<PNode<V> | null>(WIDTH + 1).fill(null);
  b[0] = BRANCH;
  return b;
}

/**
 * The node to write into: a copy on the persistent path; inside a batch fold (see owner.ts) the
 * node itself when the batch made it, else a copy the batch then owns, so each node a batch
 * touches is copied at most once however many entries change it.
 */
function writable<V>(node: PNode<V>, owner: Owner | null): PNode<V> {
  if (owner === null) return node.slice();
  return owner.owns(node) ? node : owner.claim(node.slice());
}

const fresh = <V>(node: PNode<V>, owner: Owner | null): PNode<V> => (owner === null ? node : owner.claim(node));

// Set by setNode and deleteNode (module scratch, saving an allocation per update on the hot
// path): whether it inserted (or removed) a key, and the value it replaced.
let added = false;
let removed = false;
let replaced: unknown = undefined;

function setNode<V>(node: PNode<V>, h: number, shift: number, key: string, value: V, owner: Owner | null): PNode<V> {
  if (node[0] === BRANCH) {
    const slot = 1 + ((h >>> shift) & MASK);
    const child = childAt(node, h, shift);
    let next: PNode<V>;
    if (child) next = setNode(child, h, shift + BITS, key, value, owner);
    else {
      added = true;
      next = fresh([LEAF, h, key, value], owner);
    }
    if (next === child) return node;
    const target = writable(node, owner);
    target[slot] = next;
    return target;
  }
  for (let i = 1; i < node.length; i += 3) {
    if (node[i] !== h || node[i + 1] !== key) continue;
    replaced = node[i + 2];
    if (replaced === value) return node;
    const target = writable(node, owner);
    target[i + 2] = value;
    return target;
  }
  added = true;
  if ((node.length - 1) / 3 < LEAF_MAX || shift > MAX_SHIFT) {
    const target = writable(node, owner);
    target.push(h, key, value);
    return target;
  }
  // Split the full bucket into a branch one level down (rare: amortised over LEAF_MAX inserts).
  let branch = fresh(newBranch<V>(), owner);
  for (let i = 1; i < node.length; i += 3) branch = setNode(branch, node[i] as number, shift, node[i + 1] as string, node[i + 2] as V, owner);
  return setNode(branch, h, shift, key, value, owner);
}

/** A map with `root` and `size`: `map` itself, updated in place, when the batch owns it. */
function withRoot<V>(map: PMap<V>, root: PNode<V>, size: number, owner: Owner | null): PMap<V> {
  if (owner !== null && owner.owns(map)) {
    map.root = root;
    map.size = size;
    return map;
  }
  const next = { size, root };
  return owner === null ? next : owner.claim(next);
}

/**
 * Returns `map` itself when `key` already maps to `value` (identity is kept for memoised views).
 * With an `owner` (a batch fold) it may update `map` in place, so callers there must not compare
 * maps to tell whether something changed.
 */
export function pset<V>(map: PMap<V>, key: string, value: V, owner: Owner | null = null): PMap<V> {
  added = false;
  replaced = undefined;
  const root = setNode(map.root, hashKey(key), 0, key, value, owner);
  // Unchanged, or changed in place by the batch that owns the whole path (`map` is then its own too).
  if (!added && (replaced === value || root === map.root)) return map;
  return withRoot(map, root, added ? map.size + 1 : map.size, owner);
}

/** `pset` that also returns the value it replaced: one walk down the trie instead of get + set. */
export function pswap<V>(map: PMap<V>, key: string, value: V, owner: Owner | null = null): { map: PMap<V>; previous: V | undefined } {
  const next = pset(map, key, value, owner);
  return { map: next, previous: replaced as V | undefined };
}

/**
 * The value the last `pset` (or `pswap`) replaced, undefined when it added the key: read it right
 * after the call. The hot path's `pswap` without the result object (one allocation per vote less).
 */
export const psetPrevious = (): unknown => replaced;

function deleteNode<V>(node: PNode<V>, h: number, shift: number, key: string, owner: Owner | null): PNode<V> | null {
  if (node[0] === BRANCH) {
    const child = childAt(node, h, shift);
    if (!child) return node;
    const next = deleteNode(child, h, shift + BITS, key, owner);
    if (next === child) return node;
    const target = writable(node, owner);
    target[1 + ((h >>> shift) & MASK)] = next;
    return target;
  }
  for (let i = 1; i < node.length; i += 3) {
    if (node[i] !== h || node[i + 1] !== key) continue;
    removed = true;
    if (node.length === 4 && shift > 0) return null;
    const target = writable(node, owner);
    target.splice(i, 3);
    return target;
  }
  return node;
}

/** Returns `map` itself when `key` is absent. Branches are not merged back (maps only shrink by unvotes). */
export function pdelete<V>(map: PMap<V>, key: string, owner: Owner | null = null): PMap<V> {
  removed = false;
  const root = deleteNode(map.root, hashKey(key), 0, key, owner);
  if (!removed) return map;
  return withRoot(map, root ?? fresh([LEAF], owner), map.size - 1, owner);
}

function eachNode<V>(node: PNode<V>, fn: (value: V, key: string) => void): void {
  if (node[0] === BRANCH) {
    for (let i = 1; i < node.length; i++) {
      const child = node[i] as PNode<V> | null;
      if (child) eachNode(child, fn);
    }
  } else for (let i = 1; i < node.length; i += 3) fn(node[i + 2] as V, node[i + 1] as string);
}

/** Visits every entry in a deterministic order (by hash, then insertion). */
export function pforEach<V>(map: PMap<V>, fn: (value: V, key: string) => void): void {
  eachNode(map.root, fn);
}

export function pvalues<V>(map: PMap<V>): V[] {
  const out: V[] = [];
  eachNode(map.root, (v) => out.push(v));
  return out;
}

const EMPTY_LEAF: PNode<never> = [LEAF];

/** Adds the entries under `node` to `into`; false when there are more than `cap`. */
function collect<V>(node: PNode<V>, into: Map<string, V>, cap: number): boolean {
  if (node[0] === BRANCH) {
    for (let i = 1; i < node.length; i++) {
      const child = node[i] as PNode<V> | null;
      if (child && !collect(child, into, cap)) return false;
    }
    return true;
  }
  for (let i = 1; i < node.length; i += 3) into.set(node[i + 1] as string, node[i + 2] as V);
  return into.size <= cap;
}

/**
 * The keys whose value differs (by identity, or by presence) between two versions of a map, found
 * by walking only the parts that are not shared; null as soon as more than `limit` differ (or the
 * maps look unrelated). Lets a view rebuilt from `b` tell the differ which keys can have changed.
 */
export function pchangedKeys<V>(a: PMap<V>, b: PMap<V>, limit: number): string[] | null {
  const out: string[] = [];
  const walk = (x: PNode<V>, y: PNode<V>): boolean => {
    if (x === y) return true;
    if (x[0] === BRANCH && y[0] === BRANCH) {
      for (let i = 1; i <= WIDTH; i++) {
        if (!walk((x[i] as PNode<V> | null) ?? EMPTY_LEAF, (y[i] as PNode<V> | null) ?? EMPTY_LEAF)) return false;
      }
      return true;
    }
    // Two leaves, or a leaf against the branch it split into: compare their entries.
    const before = new Map<string, V>();
    const after = new Map<string, V>();
    const cap = limit + 4 * LEAF_MAX;
    if (!collect(x, before, cap) || !collect(y, after, cap)) return false;
    for (const [k, v] of after) if (!before.has(k) || before.get(k) !== v) out.push(k);
    for (const k of before.keys()) if (!after.has(k)) out.push(k);
    return out.length <= limit;
  };
  return walk(a.root, b.root) ? out : null;
}
