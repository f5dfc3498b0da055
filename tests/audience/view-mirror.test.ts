/** P18/P19 on the browser side: patches apply only on their base; anything else re-subscribes. */
import { describe, expect, it } from 'vitest';
import { ViewMirror } from '../../src/audience/lib/view-mirror';

const snap = (serial: number, snapshot: unknown, epoch = 'e1') => ({ t: 'sync' as const, view: 'audience' as const, epoch, serial, snapshot });
const patch = (base: number, serial: number, ops: Array<{ op: 'replace' | 'add' | 'remove'; path: string; value?: unknown }>, epoch = 'e1') => ({
  t: 'sync' as const,
  view: 'audience' as const,
  epoch,
  base,
  serial,
  patch: ops.map((o) => (o.op === 'remove' ? { op: 'remove' as const, path: o.path } : { op: o.op, path: o.path, value: o.value })),
});

describe('ViewMirror', () => {
  it('P19 applies a patch on its base and advances the serial', () => {
    const m = new ViewMirror();
    expect(m.apply(snap(5, { a: 1 }))).toEqual({ kind: 'changed' });
    expect(m.apply(patch(5, 6, [{ op: 'replace', path: '/a', value: 2 }]))).toEqual({ kind: 'changed' });
    expect(m.doc).toEqual({ a: 2 });
    expect(m.serial).toBe(6);
    expect(m.resumeFields('e1')).toEqual({ since: 6, epoch: 'e1' });
  });

  it('P19 a patch on another base asks to re-subscribe from the held serial', () => {
    const m = new ViewMirror();
    m.apply(snap(5, { a: 1 }));
    expect(m.apply(patch(7, 8, [{ op: 'replace', path: '/a', value: 3 }]))).toEqual({ kind: 'resubscribe', since: 5, epoch: 'e1' });
    expect(m.doc).toEqual({ a: 1 });
  });

  it('P15 another epoch, or a patch that does not apply, means a fresh snapshot', () => {
    const m = new ViewMirror();
    m.apply(snap(5, { a: 1 }));
    expect(m.apply(patch(5, 6, [{ op: 'replace', path: '/a', value: 2 }], 'e2'))).toEqual({ kind: 'resubscribe' });
    expect(m.resumeFields()).toEqual({});
    m.apply(snap(9, { a: 1 }));
    expect(m.apply(patch(9, 10, [{ op: 'remove', path: '/missing/deep' }]))).toEqual({ kind: 'resubscribe' });
    expect(m.resumeFields()).toEqual({});
    // The hub's epoch differs from the held one: resume without since.
    m.apply(snap(3, {}, 'e1'));
    expect(m.resumeFields('e9')).toEqual({});
  });
});
