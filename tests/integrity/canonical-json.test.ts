/** P26 canonical JSON and hash, pure: the shared implementation against the tests' own (independent-jcs.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeSha256Hex } from '../../src/shared/node/sha256';
import { canonicalJson, nobleSha256Hex, stateHash } from '../../src/shared/integrity';
import { declareDelta } from '../../src/shared/json-patch';
import { independentHash, jcs } from './independent-jcs';

describe('P26 canonical JSON', () => {
  it('sorts keys by UTF-16 code units, not code points, and escapes like JSON.stringify', () => {
    // U+FF5E sorts after U+1F600 by code point, before it by UTF-16 unit (0xD83D < 0xFF5E).
    const v = { '～': 1, '😀': 2, b: 'a"b\\c\n\u2028\u0001é', a: [true, null, -0, 1e21, 0.5] };
    expect(canonicalJson(v)).toBe('{"a":[true,null,0,1e+21,0.5],"b":"a\\"b\\\\c\\n\u2028\\u0001é","😀":2,"～":1}');
    expect(canonicalJson(v)).toBe(jcs(v));
  });

  it('leaves out undefined members as the wire does, and refuses what JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: [undefined] })).toBe('{"b":[null]}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/not a JSON number/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/too deep/);
  });

  it('agrees with the independent canonicaliser on arbitrary JSON, and noble agrees with node:crypto', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonicalJson(v)).toBe(jcs(v));
        expect(stateHash(v)).toBe(independentHash(v));
        expect(stateHash(v, nodeSha256Hex)).toBe(stateHash(v, nobleSha256Hex));
      }),
      { numRuns: 300 },
    );
  });

  it('a shared sub-object reused in a new state gives the same text as a fresh copy (the cache is by identity)', () => {
    const q = { id: 'q1', text: 'Ünïcödé ✓', upvotes: 3 };
    const a = { questions: { q1: q } };
    canonicalJson(a);
    const b = { questions: { q1: q, q2: { ...q, id: 'q2' } } };
    expect(canonicalJson(b)).toBe(jcs(JSON.parse(JSON.stringify(b))));
  });
});

describe('P26 canonical JSON memo (by identity, big records derived by declareDelta)', () => {
  /** A record big enough (> 16 KB of text) to take the big-container path. */
  const bigRecord = (n: number, tag: string): Record<string, unknown> =>
    Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, { id: `k${i}`, text: `${tag} ${i} ✓ some text to pass the size bound`, n: i }]));

  it('random views changed by copy (values, added, removed and undefined keys): memoised text equals the plain one, and so do the hashes', () => {
    const op = fc.record({
      kind: fc.constantFrom('set', 'add', 'remove', 'undefined', 'top'),
      key: fc.nat(400),
      value: fc.jsonValue({ maxDepth: 2 }),
      declare: fc.constantFrom('true', 'partial', 'none'),
    });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 12 }), fc.nat(1000), (ops, seed) => {
        let questions = bigRecord(300, `s${seed}`);
        let view: Record<string, unknown> = { event: { title: `e${seed}` }, questions, chat: [{ id: 'c', text: 'hi' }] };
        expect(canonicalJson(view)).toBe(jcs(view));
        for (const o of ops) {
          const key = `k${o.key}`;
          const next: Record<string, unknown> = { ...questions };
          if (o.kind === 'remove') delete next[key];
          else if (o.kind === 'undefined') next[key] = undefined;
          else if (o.kind === 'add') next[`new-${o.key}`] = o.value;
          else if (o.kind === 'set') next[key] = o.value;
          const changed = o.kind === 'add' ? [`new-${o.key}`] : o.kind === 'top' ? [] : [key];
          // The hint may be wrong (a partial declaration names none of the changed keys): the text must not depend on it.
          if (o.declare === 'true') declareDelta(questions, next, changed);
          else if (o.declare === 'partial') declareDelta(questions, next, []);
          questions = next;
          view = { ...view, questions, ...(o.kind === 'top' ? { event: { title: JSON.stringify(o.value) } } : {}) };
          const plain = jcs(JSON.parse(JSON.stringify(view)));
          expect(canonicalJson(view)).toBe(plain);
          expect(stateHash(view, nodeSha256Hex)).toBe(independentHash(view));
          expect(stateHash(view)).toBe(stateHash(view, nodeSha256Hex));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('a reused subtree yields its cached text and a changed copy does not (shown by editing the reused object behind the cache)', () => {
    const q = { id: 'q1', upvotes: 3 };
    const questions: Record<string, unknown> = { ...bigRecord(300, 'a'), q1: q };
    const view1 = { questions, top: { q } };
    const before = canonicalJson(view1);
    // Views are immutable, so the memo may return what it saw; this edit breaks that rule on purpose.
    q.upvotes = 99;
    const view2 = { questions, top: { q }, zz: 1 };
    expect(canonicalJson(view2)).toBe(`${before.slice(0, -1)},"zz":1}`);
    expect(canonicalJson(view2)).not.toContain('"upvotes":99');
    // A changed copy is encoded afresh; in a record derived by declareDelta the other members' text is reused.
    const next = { ...questions, q1: { ...q } };
    declareDelta(questions, next, ['q1']);
    const k7 = questions.k7 as { text: string };
    k7.text = 'edited behind the cache';
    const text = canonicalJson({ questions: next });
    expect(text).toContain('"q1":{"id":"q1","upvotes":99}');
    expect(text).not.toContain('edited behind the cache');
    // The same record with no hint and a fresh copy of k7 sees the edit.
    expect(canonicalJson({ questions: { ...next, k7: { ...k7 } } })).toContain('edited behind the cache');
  });
});
