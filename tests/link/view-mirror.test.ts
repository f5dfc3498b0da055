/**
 * ViewMirror (P18, P19): snapshots replace, patches apply only on their base, and a mirror
 * that is not at a patch's base re-subscribes through the Link with its own serial.
 */
import { describe, expect, it } from 'vitest';
import { Link } from '../../src/main/core/link/link';
import type { ViewCursor } from '../../src/main/core/link/subscriptions';
import { ViewMirror } from '../../src/main/core/link/view-mirror';
import type { SyncFrame, SyncView } from '../../src/shared/protocol';
import { FakeClock, fakeNetwork, welcomeFrame } from './fakes';

const snap = (serial: number, snapshot: unknown, epoch = 'E1'): SyncFrame => ({ t: 'sync', view: 'staff', epoch, serial, snapshot });
const patch = (base: number, serial: number, ops: Extract<SyncFrame, { patch: unknown }>['patch'], epoch = 'E1'): SyncFrame => ({
  t: 'sync',
  view: 'staff',
  epoch,
  base,
  serial,
  patch: ops,
});

function recorder() {
  const calls: Array<{ view: SyncView; from: ViewCursor | undefined }> = [];
  return { calls, subscribe: (view: SyncView, from?: ViewCursor) => void calls.push({ view, from }) };
}

describe('ViewMirror', () => {
  it('P18 a snapshot replaces the document; patches on their base apply in order', () => {
    const link = recorder();
    const m = new ViewMirror('staff', link);
    expect(m.doc).toBeUndefined();
    expect(m.apply(snap(5, { reactions: { '👏': 1 }, chat: [] }))).toEqual({ ok: true, serial: 5 });
    expect(m.apply(patch(5, 6, [{ op: 'replace', path: '/reactions/👏', value: 2 }]))).toEqual({ ok: true, serial: 6 });
    expect(m.apply(patch(6, 8, [{ op: 'add', path: '/chat/-', value: { id: 'c1', text: 'hi' } }]))).toEqual({ ok: true, serial: 8 });
    expect(m.doc).toEqual({ reactions: { '👏': 2 }, chat: [{ id: 'c1', text: 'hi' }] });
    expect({ serial: m.serial, epoch: m.epoch }).toEqual({ serial: 8, epoch: 'E1' });
    expect(m.apply(snap(2, { fresh: true }))).toEqual({ ok: true, serial: 2 });
    expect(m.doc).toEqual({ fresh: true });
    expect(link.calls).toEqual([]);
  });

  it('P19 a patch whose base is not the mirror serial asks for a resync from its own serial, once', () => {
    const link = recorder();
    const m = new ViewMirror('staff', link);
    m.apply(snap(5, { n: 5 }));
    expect(m.apply(patch(7, 8, [{ op: 'replace', path: '/n', value: 8 }]))).toMatchObject({ ok: false, code: 'not_at_base' });
    expect(link.calls).toEqual([{ view: 'staff', from: { since: 5, epoch: 'E1' } }]);
    expect(m.doc).toEqual({ n: 5 });
    // Patches still in flight from before the resync are ignored without asking again.
    expect(m.apply(patch(8, 9, [{ op: 'replace', path: '/n', value: 9 }]))).toMatchObject({ ok: false, code: 'resyncing' });
    expect(link.calls).toHaveLength(1);
    // The hub's answer: a patch from our serial.
    expect(m.apply(patch(5, 9, [{ op: 'replace', path: '/n', value: 9 }]))).toEqual({ ok: true, serial: 9 });
    expect(m.doc).toEqual({ n: 9 });
    // And a later gap asks again.
    m.apply(patch(11, 12, []));
    expect(link.calls).toHaveLength(2);
  });

  it('P15 a patch from another epoch, or before any snapshot, asks for a snapshot (no since)', () => {
    const a = recorder();
    const early = new ViewMirror('staff', a);
    expect(early.apply(patch(1, 2, []))).toMatchObject({ ok: false, code: 'no_snapshot' });
    expect(a.calls).toEqual([{ view: 'staff', from: {} }]);

    const b = recorder();
    const m = new ViewMirror('staff', b);
    m.apply(snap(5, { n: 5 }));
    expect(m.apply(patch(5, 6, [], 'E2'))).toMatchObject({ ok: false, code: 'epoch_changed' });
    expect(b.calls).toEqual([{ view: 'staff', from: {} }]);
  });

  it('a patch that does not fit the document asks for a snapshot and keeps the old document', () => {
    const link = recorder();
    const m = new ViewMirror('staff', link);
    m.apply(snap(5, { n: 5 }));
    expect(m.apply(patch(5, 6, [{ op: 'remove', path: '/missing/deep' }]))).toMatchObject({ ok: false, code: 'patch_failed' });
    expect(link.calls).toEqual([{ view: 'staff', from: {} }]);
    expect(m.doc).toEqual({ n: 5 });
    expect(m.serial).toBe(5);
  });

  it('ignores frames of another view', () => {
    const link = recorder();
    const m = new ViewMirror('audience', link);
    expect(m.apply(snap(1, {}))).toMatchObject({ ok: false, code: 'other_view' });
    expect(m.doc).toBeUndefined();
    expect(link.calls).toEqual([]);
  });

  it('P19 through a real Link: a patch with a wrong base makes the Link send sub since=<mirror serial>', () => {
    const clock = new FakeClock();
    const net = fakeNetwork();
    const link = new Link({ hubUrls: ['http://hub'], token: () => 't', clock, socketFactory: net.factory, random: () => 0 });
    const mirror = new ViewMirror('staff', link);
    link.on('frame', (f) => {
      if (f.t === 'sync' && f.view === 'staff') mirror.apply(f);
    });
    link.subscribe('staff');
    link.connect();
    const s = net.last();
    s.open();
    s.receive(welcomeFrame());
    s.receive(snap(10, { n: 10 }));
    s.receive(patch(10, 11, [{ op: 'replace', path: '/n', value: 11 }]));
    s.receive(patch(13, 14, [{ op: 'replace', path: '/n', value: 14 }])); // 12..13 lost
    expect(s.sentOfType('sub')).toEqual([
      { t: 'sub', view: 'staff' },
      { t: 'sub', view: 'staff', since: 11, epoch: 'E1' },
    ]);
    expect(link.cursor('staff')).toEqual({ since: 11, epoch: 'E1' });
    s.receive(patch(11, 14, [{ op: 'replace', path: '/n', value: 14 }]));
    expect(mirror.doc).toEqual({ n: 14 });
    expect(link.cursor('staff')).toEqual({ since: 14, epoch: 'E1' });
  });
});
