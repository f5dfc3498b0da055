/**
 * P26 in the simulator's worker: thousands of attendees hold the same document object, so the
 * HashCache hashes each document once; a mirror checked through it still catches a state that
 * differs from the hub's hash and asks for a fresh snapshot.
 */
import { describe, expect, it } from 'vitest';
import { hashCheck, ViewMirror, type SyncFrame } from '../../src/shared/client';
import { canonicalJson } from '../../src/shared/integrity';
import { HashCache } from '../../src/simulator/view-cache';
import crypto from 'node:crypto';

// An independent hash: canonical JSON is the shared one (pinned by tests/integrity), the digest is node's.
const hubHash = (doc: unknown): string => crypto.createHash('sha256').update(canonicalJson(doc)).digest('hex').slice(0, 16);

describe('simulator HashCache', () => {
  it('P26 hashes a document shared by many mirrors once, and a wrong hash is a divergence that asks for a snapshot', () => {
    const hashes = new HashCache();
    const mirrors = Array.from({ length: 50 }, () => new ViewMirror('audience', { verify: hashCheck({ hashOf: (d) => hashes.of(d) }) }));
    const doc = { polls: { p: { id: 'p', question: 'Où? "quoted" ✓', ballots: 3 } }, reactions: {} };
    const snap = { t: 'sync', view: 'audience', epoch: 'e1', serial: 4, snapshot: doc, hash: hubHash(doc) } as SyncFrame;
    for (const m of mirrors) expect(m.apply(snap)).toMatchObject({ ok: true, kind: 'snapshot' });
    expect(hashes.computed).toBe(1);

    const wrong = { t: 'sync', view: 'audience', epoch: 'e1', base: 4, serial: 5, patch: [{ op: 'replace', path: '/polls/p/ballots', value: 4 }], hash: hubHash(doc) } as SyncFrame;
    const m = mirrors[0] as ViewMirror;
    expect(m.apply(wrong)).toMatchObject({ ok: false, code: 'hash_mismatch', resubscribe: {} });
    expect(m.mismatches).toBe(1);
    expect(m.state).toBeNull();
  });
});
