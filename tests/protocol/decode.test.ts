/** P2 P13: the decoder and the pub check answer any input with a value, never an exception. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPub, decodeFrame, decodeHubFrame, MAX_FRAME_BYTES, MESSAGE_NAMES, Role } from '../../src/shared/protocol';

const FRAME_TYPES = ['hello', 'ping', 'pub', 'history', 'sub', 'unsub', 'welcome', 'sync', 'teleport', ''];

/** Objects shaped like frames but with the wrong field types, missing fields or extra junk. */
const wrongShape = fc.record(
  {
    t: fc.oneof(fc.constantFrom(...FRAME_TYPES), fc.string(), fc.integer(), fc.constant(null)),
    id: fc.oneof(fc.string({ maxLength: 80 }), fc.integer(), fc.constant(null), fc.object()),
    token: fc.oneof(fc.string(), fc.integer(), fc.array(fc.string())),
    ts: fc.oneof(fc.double(), fc.string(), fc.constant(null)),
    view: fc.oneof(fc.constantFrom('staff', 'audience', 'log', 'stats', 'secret'), fc.integer()),
    since: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double(), fc.string()),
    limit: fc.oneof(fc.integer({ min: -10, max: 5_000 }), fc.string()),
    name: fc.oneof(fc.constantFrom(...MESSAGE_NAMES), fc.string()),
    data: fc.anything(),
  },
  { requiredKeys: [] },
);

const corpus = fc.oneof(
  fc.string(), // not JSON, or JSON of the wrong kind
  fc.json(), // any JSON value: arrays, numbers, strings, objects without t
  wrongShape.map((o) => JSON.stringify(o)),
  fc.anything(), // not even a string
  fc.integer({ min: MAX_FRAME_BYTES - 100, max: MAX_FRAME_BYTES * 3 }).map((n) => JSON.stringify({ t: 'pub', id: 'x', name: 'chat.send', data: { messageId: 'm', text: 'x'.repeat(n) } })),
);

describe('decoding untrusted frames', () => {
  it('P2 the decoder answers every frame of a corpus of malformed, oversized, wrongly typed and unknown frames with an error value, and never throws', () => {
    fc.assert(
      fc.property(corpus, (input) => {
        const r = decodeFrame(input);
        if (r.ok) {
          // Whatever passes is a well-formed client frame of a known type.
          expect(['hello', 'ping', 'pub', 'history', 'sub', 'unsub']).toContain(r.frame.t);
        } else {
          expect(['malformed', 'too_large']).toContain(r.code);
          expect(r.message.length).toBeGreaterThan(0);
        }
        expect(() => decodeHubFrame(input)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });

  it('P2 names each failure: not JSON, not an object, no t, unknown t, wrong types, too large', () => {
    expect(decodeFrame('{nope')).toMatchObject({ ok: false, code: 'malformed', message: 'not valid JSON' });
    expect(decodeFrame('[1]')).toMatchObject({ ok: false, code: 'malformed', message: 'a frame is one JSON object' });
    expect(decodeFrame('{"x":1}')).toMatchObject({ ok: false, code: 'malformed', message: 'missing string field "t"' });
    expect(decodeFrame('{"t":"teleport"}')).toMatchObject({ ok: false, code: 'malformed', message: 'unknown frame type "teleport"' });
    expect(decodeFrame('{"t":"ping","id":"p","ts":"now"}')).toMatchObject({ ok: false, code: 'malformed' });
    expect(decodeFrame(JSON.stringify({ t: 'ping', id: 'p', ts: 1, pad: 'é'.repeat(MAX_FRAME_BYTES / 2) }))).toMatchObject({ ok: false, code: 'too_large' });
    expect(decodeFrame('{"t":"ping","id":"p","ts":1}')).toEqual({ ok: true, frame: { t: 'ping', id: 'p', ts: 1 } });
  });

  it('hub frames larger than the client limit still decode (a 1,000-entry history page)', () => {
    const entries = Array.from({ length: 1_000 }, (_, i) => ({ serial: i + 1, clientId: 'c', id: `m${i}`, name: 'chat.send', data: { text: 'x'.repeat(100) }, ts: 1 }));
    expect(decodeHubFrame(JSON.stringify({ t: 'history', entries, next: null })).ok).toBe(true);
  });

  it('P13 checkPub answers any name, role and data with ok, forbidden or invalid, and never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...MESSAGE_NAMES), fc.string()), fc.constantFrom(...Role.options), fc.anything(), (name, role, data) => {
        const r = checkPub(role, name, data);
        if (!r.ok) expect(['forbidden', 'invalid']).toContain(r.code);
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('issue 11: shape bounds before anything recursive', () => {
  const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
  it('a client frame nests at most 32 levels; a pub past it names its id for the nack (P13)', () => {
    expect(decodeFrame(`{"t":"pub","id":"d","name":"chat.send","data":${deep(31)}}`)).toMatchObject({ ok: true }); // the frame is level 1
    expect(decodeFrame(`{"t":"pub","id":"d","name":"chat.send","data":${deep(32)}}`)).toMatchObject({ ok: false, code: 'malformed', nack: { id: 'd', code: 'invalid' } });
    expect(decodeFrame(`{"t":"pub","id":"d","name":"x","data":${deep(100_000).slice(0, 60_000)}}`)).toMatchObject({ ok: false, code: 'malformed' });
    expect(decodeFrame(`{"t":"ping","id":"p","ts":1,"x":${deep(5_000)}}`)).toMatchObject({ ok: false, code: 'malformed', message: 'ping: nested deeper than 32 levels' });
  });
  it('over-wide arrays and objects are too_large; hub frames may be wide (10,000 questions)', () => {
    expect(decodeFrame(`{"t":"pub","id":"w","name":"vote.cast","data":[${Array(1_001).fill(0).join(',')}]}`)).toMatchObject({ nack: { id: 'w', code: 'too_large' } });
    const keys = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`k${i}`, i]));
    expect(decodeFrame(JSON.stringify({ t: 'pub', id: 'k', name: 'vote.cast', data: keys }))).toMatchObject({ nack: { id: 'k', code: 'too_large' } });
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`q${i}`, { id: `q${i}` }]));
    expect(decodeHubFrame(JSON.stringify({ t: 'sync', view: 'staff', epoch: 'e', serial: 1, snapshot: { questions: wide } }))).toMatchObject({ ok: true });
    expect(decodeHubFrame(`{"t":"self","data":${deep(65)}}`)).toMatchObject({ ok: false, code: 'malformed' });
  });
});
