/** P26 canonical JSON and hash, pure: the shared implementation against the tests' own (independent-jcs.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeSha256Hex } from '../../src/shared/node/sha256';
import { canonicalJson, nobleSha256Hex, stateHash } from '../../src/shared/integrity';
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
