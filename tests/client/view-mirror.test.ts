/**
 * ViewMirror (P18, P19, P26 hook): snapshots replace, patches apply only on their base, and a
 * mirror that is not at a patch's base names the cursor to re-subscribe with, once.
 */
import { describe, expect, it } from 'vitest';
import { ViewMirror } from '../../src/shared/client';
import type { SyncFrame } from '../../src/shared/protocol';

const snap = (serial: number, snapshot: unknown, epoch = 'E1'): SyncFrame => ({ t: 'sync', view: 'staff', epoch, serial, snapshot });
const patch = (base: number, serial: number, ops: Extract<SyncFrame, { patch: unknown }>['patch'], epoch = 'E1'): SyncFrame => ({
  t: 'sync',
  view: 'staff',
  epoch,
  base,
  serial,
  patch: ops,
});

describe('ViewMirror', () => {
  it('P18 a snapshot replaces the document; patches on their base apply in order', () => {
    const m = new ViewMirror('staff');
    expect(m.state).toBeNull();
    expect(m.cursor()).toEqual({});
    expect(m.apply(snap(5, { reactions: { '👏': 1 }, chat: [] }))).toEqual({ ok: true, serial: 5, kind: 'snapshot' });
    expect(m.apply(patch(5, 6, [{ op: 'replace', path: '/reactions/👏', value: 2 }]))).toEqual({ ok: true, serial: 6, kind: 'patch' });
    expect(m.apply(patch(6, 8, [{ op: 'add', path: '/chat/-', value: { id: 'c1', text: 'hi' } }]))).toEqual({ ok: true, serial: 8, kind: 'patch' });
    expect(m.state).toEqual({ doc: { reactions: { '👏': 2 }, chat: [{ id: 'c1', text: 'hi' }] }, serial: 8, epoch: 'E1' });
    expect(m.cursor()).toEqual({ since: 8, epoch: 'E1' });
    expect(m.apply(snap(2, { fresh: true }))).toMatchObject({ ok: true, serial: 2 });
    expect(m.state?.doc).toEqual({ fresh: true });
  });

  it('P19 a patch whose base is not the mirror serial asks for a resync from its own serial, once', () => {
    const m = new ViewMirror('staff');
    m.apply(snap(5, { n: 5 }));
    expect(m.apply(patch(7, 8, [{ op: 'replace', path: '/n', value: 8 }]))).toMatchObject({ ok: false, code: 'not_at_base', resubscribe: { since: 5, epoch: 'E1' } });
    expect(m.state?.doc).toEqual({ n: 5 });
    // Patches still in flight from before the resync are ignored without asking again.
    const again = m.apply(patch(8, 9, [{ op: 'replace', path: '/n', value: 9 }]));
    expect(again).toMatchObject({ ok: false, code: 'resyncing' });
    expect(again).not.toHaveProperty('resubscribe');
    // The hub's answer: a patch from our serial.
    expect(m.apply(patch(5, 9, [{ op: 'replace', path: '/n', value: 9 }]))).toMatchObject({ ok: true, serial: 9 });
    expect(m.state?.doc).toEqual({ n: 9 });
    // And a later gap asks again.
    expect(m.apply(patch(11, 12, []))).toMatchObject({ ok: false, code: 'not_at_base', resubscribe: { since: 9 } });
  });

  it('P15 a patch from another epoch, or before any snapshot, asks for a snapshot (no since)', () => {
    expect(new ViewMirror('staff').apply(patch(1, 2, []))).toMatchObject({ ok: false, code: 'no_snapshot', resubscribe: {} });
    const m = new ViewMirror('staff');
    m.apply(snap(5, { n: 5 }));
    expect(m.apply(patch(5, 6, [], 'E2'))).toMatchObject({ ok: false, code: 'epoch_changed', resubscribe: {} });
  });

  it('a patch that does not fit the document asks for a snapshot and keeps the old document', () => {
    const m = new ViewMirror('staff');
    m.apply(snap(5, { n: 5 }));
    expect(m.apply(patch(5, 6, [{ op: 'remove', path: '/missing/deep' }]))).toMatchObject({ ok: false, code: 'patch_failed', resubscribe: {} });
    expect(m.state).toEqual({ doc: { n: 5 }, serial: 5, epoch: 'E1' });
  });

  it('ignores frames of another view', () => {
    const m = new ViewMirror('audience');
    expect(m.apply(snap(1, {}))).toMatchObject({ ok: false, code: 'other_view' });
    expect(m.state).toBeNull();
  });

  it('P26 hook: a state the verifier rejects is counted, dropped and re-asked as a snapshot', () => {
    const wrong = new Set([7]);
    const m = new ViewMirror('staff', { verify: (state) => !wrong.has(state.serial) });
    m.apply(snap(6, { n: 6 }));
    expect(m.apply(patch(6, 7, [{ op: 'replace', path: '/n', value: 7 }]))).toMatchObject({ ok: false, code: 'hash_mismatch', resubscribe: {} });
    expect(m.mismatches).toBe(1);
    expect(m.state).toBeNull();
    expect(m.apply(snap(7, { n: 7 }))).toMatchObject({ ok: false, code: 'hash_mismatch' });
    wrong.clear();
    expect(m.apply(snap(8, { n: 8 }))).toMatchObject({ ok: true, serial: 8 });
    expect(m.mismatches).toBe(2);
  });

  it('seed: a state kept from an earlier run resumes by patch', () => {
    const m = new ViewMirror('staff');
    m.seed({ doc: { n: 3 }, serial: 3, epoch: 'E1' });
    expect(m.cursor()).toEqual({ since: 3, epoch: 'E1' });
    expect(m.apply(patch(3, 4, [{ op: 'replace', path: '/n', value: 4 }]))).toMatchObject({ ok: true, serial: 4 });
  });
});
