/** The persistent hash map behind per-client state (src/shared/domain/pmap.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyMap, pchangedKeys, pdelete, pforEach, pget, pset, pswap, pvalues, type PMap } from '../../src/shared/domain/pmap';

type Op = { t: 'set'; k: string; v: number } | { t: 'del'; k: string };
const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'toString', '', 'a'), fc.string({ maxLength: 6 }), fc.nat(5_000).map((n) => `client-${n}`));
const ops = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ k: key, v: fc.integer() }).map((o): Op => ({ t: 'set', ...o })) },
    { weight: 1, arbitrary: key.map((k): Op => ({ t: 'del', k })) },
  ),
  { maxLength: 400 },
);

const entries = (m: PMap<number>): Array<[string, number]> => {
  const out: Array<[string, number]> = [];
  pforEach(m, (v, k) => out.push([k, v]));
  return out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
};

describe('pmap', () => {
  it('behaves like a Map under any sequence of sets and deletes, and old versions never change', () => {
    fc.assert(
      fc.property(ops, (seq) => {
        const model = new Map<string, number>();
        let m = emptyMap<number>();
        const history: Array<[PMap<number>, Array<[string, number]>]> = [];
        for (const op of seq) {
          if (op.t === 'set') {
            const { map, previous } = pswap(m, op.k, op.v);
            expect(previous).toBe(model.get(op.k));
            m = map;
            model.set(op.k, op.v);
          } else {
            m = pdelete(m, op.k);
            model.delete(op.k);
          }
          expect(m.size).toBe(model.size);
          expect(pget(m, op.k)).toBe(model.get(op.k));
          if (history.length < 20) history.push([m, entries(m)]);
        }
        expect(entries(m)).toEqual([...model.entries()].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)));
        for (const [k, v] of model) expect(pget(m, k)).toBe(v);
        for (const [old, snapshot] of history) expect(entries(old)).toEqual(snapshot);
      }),
      { numRuns: 300 },
    );
  });

  it('is plain JSON: a parsed copy answers the same and keeps working', () => {
    let m = emptyMap<number>();
    for (let i = 0; i < 5_000; i++) m = pset(m, `client-${i}`, i);
    const copy = JSON.parse(JSON.stringify(m)) as PMap<number>;
    expect(copy).toEqual(m);
    for (let i = 0; i < 5_000; i += 97) expect(pget(copy, `client-${i}`)).toBe(i);
    const more = pset(copy, 'client-new', -1);
    expect(pget(more, 'client-new')).toBe(-1);
    expect(more.size).toBe(5_001);
    expect(pvalues(more)).toHaveLength(5_001);
  });

  it('keeps identity when nothing changes: same value set, absent key deleted', () => {
    const m = pset(emptyMap<string>(), 'k', 'v');
    expect(pset(m, 'k', 'v')).toBe(m);
    expect(pdelete(m, 'other')).toBe(m);
    expect(pget(m, 'constructor')).toBeUndefined();
    expect(pget(m, '__proto__')).toBeUndefined();
  });

  it('an update copies a short path, not the map: 20,000 keys share all but a few nodes with the previous version', () => {
    let m = emptyMap<number>();
    for (let i = 0; i < 20_000; i++) m = pset(m, `client-${i}`, i);
    const next = pset(m, 'client-7', -7);
    const nodes = (root: unknown, seen = new Set<unknown>()): Set<unknown> => {
      if (Array.isArray(root) && !seen.has(root)) {
        seen.add(root);
        if (root[0] === 0) for (const c of root.slice(1)) if (c) nodes(c, seen);
      }
      return seen;
    };
    const before = nodes(m.root);
    const fresh = [...nodes(next.root)].filter((n) => !before.has(n));
    expect(before.size).toBeGreaterThan(1_000);
    expect(fresh.length).toBeLessThanOrEqual(6);
  });

  it('pchangedKeys finds exactly the keys whose value changed between two versions, or gives up past the limit', () => {
    let base = emptyMap<number>();
    for (let i = 0; i < 3_000; i++) base = pset(base, `client-${i}`, i);
    fc.assert(
      fc.property(ops, fc.integer({ min: 1, max: 64 }), (seq, limit) => {
        let m = base;
        for (const op of seq) m = op.t === 'set' ? pset(m, op.k, op.v) : pdelete(m, op.k);
        const all = new Map<string, number>();
        pforEach(base, (v, k) => all.set(k, v));
        const after = new Map<string, number>();
        pforEach(m, (v, k) => after.set(k, v));
        const truth = [...new Set([...all.keys(), ...after.keys()])].filter((k) => all.get(k) !== after.get(k)).sort();
        const found = pchangedKeys(base, m, limit);
        if (found) expect([...found].sort()).toEqual(truth);
        if (truth.length <= limit) expect(found).not.toBeNull();
        else expect(found).toBeNull();
      }),
      { numRuns: 200 },
    );
  });
});
