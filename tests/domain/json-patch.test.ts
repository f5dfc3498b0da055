/** RFC 6902 diff/apply for view sync (P18, P19). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { audienceView, staffView } from '../../src/shared/domain';
import { applyPatch, declareDelta, diff } from '../../src/shared/json-patch';
import type { PatchOp } from '../../src/shared/protocol';
import { arbLog, foldLog, Folder, LogBuilder } from './arbitraries';

/** Deep-freezes a JSON value: a mutating applyPatch would then fail loudly (strict mode). */
function freeze<T>(v: T): T {
  if (v !== null && typeof v === 'object') {
    Object.freeze(v);
    for (const x of Object.values(v)) freeze(x);
  }
  return v;
}

/** JSON with a small key set (including keys that need escaping or name Object.prototype members), so two values overlap. */
const KEYS = ['a', 'b', 'c', 'x/y', 'm~n', '~1', '', '__proto__', 'constructor', '0'];
const { json } = fc.letrec<{ json: unknown; obj: unknown; arr: unknown }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constantFrom(null, true, false, 0, 1, -1, 2.5, 'a', 'b', ''), tie('obj'), tie('arr')),
  obj: fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('json')), { maxLength: 5 }).map((pairs) => Object.fromEntries(pairs)),
  arr: fc.array(tie('json'), { maxLength: 6 }),
}));
/** A pair where b is a's structure with random edits: shares sub-trees by reference, like consecutive views. */
const arbPair = fc.oneof(
  fc.tuple(json, json),
  fc.tuple(json, json, fc.constantFrom(...KEYS)).map(([a, b, k]) => [a, { [k]: a, other: b }] as [unknown, unknown]),
  fc.tuple(fc.array(json, { maxLength: 6 }), fc.nat(6), fc.nat(3), fc.array(json, { maxLength: 3 })).map(([arr, cut, drop, more]) => [arr, [...arr.slice(drop, cut), ...more, ...arr.slice(cut)]] as [unknown, unknown]),
);

describe('json-patch', () => {
  it('applyPatch(a, diff(a, b)) deep-equals b for arbitrary JSON, without mutating a', () => {
    fc.assert(
      fc.property(arbPair, ([a, b]) => {
        const frozen = freeze(structuredClone(a));
        const r = applyPatch(frozen, diff(frozen, b));
        expect(r).toEqual({ ok: true, doc: b });
        expect(frozen).toEqual(a);
      }),
      { numRuns: 1_000 },
    );
  });

  it('P19 applying the diffs of consecutive views along a random log reproduces the final view', () => {
    fc.assert(
      fc.property(arbLog(60), (log) => {
        const states = foldLog(log);
        for (const view of [staffView, audienceView]) {
          let mirror: unknown = JSON.parse(JSON.stringify(view(states[0] as never)));
          for (let i = 1; i < states.length; i++) {
            const prev = freeze(view(states[i - 1] as never));
            const r = applyPatch(mirror, diff(prev, view(states[i] as never)));
            if (!r.ok) throw new Error(r.error);
            mirror = r.doc;
          }
          expect(mirror).toEqual(view(states.at(-1) as never));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a === b costs nothing: no ops, and unchanged sub-trees are skipped by reference', () => {
    const shared = { big: Array.from({ length: 1_000 }, (_, i) => ({ i })) };
    expect(diff(shared, shared)).toEqual([]);
    expect(diff({ s: shared, n: 1 }, { s: shared, n: 2 })).toEqual([{ op: 'replace', path: '/n', value: 2 }]);
  });

  it('a declared delta limits the walk to its keys and gives the same patch as a full walk', () => {
    const shared = { deep: true };
    const a = { k1: shared, k2: 1, k3: 'x', gone: 5 };
    const b = { k1: shared, k2: 2, k3: 'x', added: 7 };
    const byPath = (ops: PatchOp[]) => [...ops].sort((x, y) => (x.path < y.path ? -1 : 1));
    const full = diff(a, b);
    declareDelta(a, b, ['k2', 'gone', 'added']);
    expect(byPath(diff(a, b))).toEqual(byPath(full));
    expect(applyPatch(a, diff(a, b))).toEqual({ ok: true, doc: b });
    // It is trusted, not checked (that is the point): keys left out are not visited.
    const c = { k1: shared, k2: 3, k3: 'y' };
    declareDelta(a, c, ['k2']);
    expect(diff(a, c)).toEqual([{ op: 'replace', path: '/k2', value: 3 }]);
    // Only for the declared base: any other base gets the full walk.
    expect(diff({ ...a }, c)).toEqual(expect.arrayContaining([{ op: 'replace', path: '/k3', value: 'y' }]));
  });

  it('escapes JSON Pointer tokens (~0, ~1) and round-trips them', () => {
    const a = { 'a/b': { '~c': 1 } };
    const b = { 'a/b': { '~c': 2, 'd/~': 3 } };
    const ops = diff(a, b);
    expect(ops).toEqual([
      { op: 'replace', path: '/a~1b/~0c', value: 2 },
      { op: 'add', path: '/a~1b/d~1~0', value: 3 },
    ]);
    expect(applyPatch(a, ops)).toEqual({ ok: true, doc: b });
  });

  it('a capped chat that drops its oldest message and appends one costs two ops, not a hundred', () => {
    const f = new Folder();
    const log = new LogBuilder();
    for (let i = 0; i < 100; i++) f.push(log.aud('cid-aud-ann', 'chat.send', { messageId: `m${i}`, text: `#${i}` }));
    const before = staffView(f.state);
    f.push(log.aud('cid-aud-bob', 'chat.send', { messageId: 'm100', text: 'newest' }));
    const ops = diff(before, staffView(f.state));
    expect(ops).toEqual([
      { op: 'remove', path: '/chat/0' },
      { op: 'add', path: '/chat/99', value: staffView(f.state).chat[99] },
    ]);
    expect(applyPatch(before, ops)).toEqual({ ok: true, doc: staffView(f.state) });
  });

  it('RFC 6902 examples: add into arrays, test, move, copy, replace the root', () => {
    const doc = { foo: ['bar', 'baz'], q: { r: 1 } };
    expect(applyPatch(doc, [{ op: 'add', path: '/foo/1', value: 'qux' }])).toEqual({ ok: true, doc: { foo: ['bar', 'qux', 'baz'], q: { r: 1 } } });
    expect(applyPatch(doc, [{ op: 'add', path: '/foo/-', value: 'end' }])).toMatchObject({ doc: { foo: ['bar', 'baz', 'end'] } });
    expect(applyPatch(doc, [{ op: 'test', path: '/q', value: { r: 1 } }])).toMatchObject({ ok: true });
    expect(applyPatch(doc, [{ op: 'test', path: '/q/r', value: 2 }])).toMatchObject({ ok: false });
    expect(applyPatch(doc, [{ op: 'move', from: '/q/r', path: '/foo/0' }])).toEqual({ ok: true, doc: { foo: [1, 'bar', 'baz'], q: {} } });
    expect(applyPatch(doc, [{ op: 'copy', from: '/q', path: '/q2' }])).toEqual({ ok: true, doc: { foo: ['bar', 'baz'], q: { r: 1 }, q2: { r: 1 } } });
    expect(applyPatch(doc, [{ op: 'replace', path: '', value: 7 }])).toEqual({ ok: true, doc: 7 });
    expect(doc).toEqual({ foo: ['bar', 'baz'], q: { r: 1 } });
  });

  it('bad operations are errors as values: missing paths, bad indices, moving into itself', () => {
    const doc = { a: [1, 2], o: { k: 1 } };
    const bad: PatchOp[][] = [
      [{ op: 'remove', path: '/nope' }],
      [{ op: 'replace', path: '/o/x', value: 1 }],
      [{ op: 'add', path: '/a/5', value: 1 }],
      [{ op: 'add', path: '/a/01', value: 1 }],
      [{ op: 'add', path: '/missing/deep', value: 1 }],
      [{ op: 'add', path: 'no-slash', value: 1 }],
      [{ op: 'move', from: '/o', path: '/o/k/x' }],
      [{ op: 'remove', path: '' }],
      [{ op: 'add', path: '/o/k/x', value: 1 }],
      [{ op: 'remove', path: '/o/constructor' }],
    ];
    for (const ops of bad) {
      const r = applyPatch(doc, ops);
      expect(r.ok, JSON.stringify(ops)).toBe(false);
    }
    expect(doc).toEqual({ a: [1, 2], o: { k: 1 } });
  });

  it('applyPatch never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (doc, ops) => {
        const r = applyPatch(doc, ops as PatchOp[]);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(json, fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'bogus'), path: fc.constantFrom('', '/a', '/a/0', '/a/-', '/__proto__', '/a/b/c', '/0'), from: fc.constantFrom('/a', '/b', ''), value: json })), (doc, ops) => {
        const r = applyPatch(freeze(doc), ops as PatchOp[]);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});
