/** The embedded log's line format: checksums catch damage, and recovery's fast key reader agrees with JSON.parse. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, crc32Table } from '../../src/hub/engine/embedded/crc32';
import { readEntryKey } from '../../src/hub/engine/embedded/entry-key';
import { checkLine, encodeBatch, encodeEntry, normaliseEntry } from '../../src/hub/engine/embedded/line-codec';
import { dedupeKey } from '../../src/hub/engine/embedded/log-recovery';
import type { LogEntry } from '../../src/shared/domain/types';

// Mostly any code point, sometimes the characters JSON must escape (and lone surrogates).
const unit = fc.oneof(
  { weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ud800', '\udfff', '"', '\\', '\u0000', '\n') },
);
const entryArb = fc.record({
  serial: fc.integer({ min: 1, max: 2 ** 40 }),
  ts: fc.integer({ min: 0, max: 2 ** 45 }),
  clientId: fc.string({ minLength: 1, maxLength: 40, unit }),
  id: fc.string({ minLength: 1, maxLength: 64, unit }),
  name: fc.constantFrom('vote.cast', 'question.ask'),
  role: fc.constantFrom('audience' as const, 'host' as const),
  data: fc.jsonValue(),
});

describe('embedded line codec', () => {
  it('crc32 matches the standard check value, and the native and table versions agree', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32Table(Buffer.from('123456789'))).toBe(0xcbf43926);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 50 }), (a, b) => {
        expect(crc32Table(b, crc32Table(a))).toBe(crc32(Buffer.concat([a, b])));
      }),
    );
  });

  it('P16 every line of a batch checks out, only the last carries the commit mark, and each is valid JSON', () => {
    fc.assert(
      fc.property(fc.array(entryArb, { minLength: 1, maxLength: 5 }), (entries) => {
        const buf = encodeBatch(entries.map((e) => encodeEntry(normaliseEntry(e as LogEntry))));
        let at = 0;
        entries.forEach((e, i) => {
          const nl = buf.indexOf(0x0a, at);
          const chk = checkLine(buf, at, nl);
          expect(chk).toMatchObject({ ok: true, commit: i === entries.length - 1 });
          if (chk.ok) expect(JSON.parse(buf.toString('utf8', chk.entryStart, chk.entryEnd))).toEqual(JSON.parse(JSON.stringify(normaliseEntry(e as LogEntry))));
          expect(() => JSON.parse(buf.toString('utf8', at, nl))).not.toThrow();
          at = nl + 1;
        });
        expect(at).toBe(buf.length);
      }),
    );
  });

  it('P16 any single changed byte of a line is detected', () => {
    fc.assert(
      fc.property(entryArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (e, pos, delta) => {
        const buf = encodeBatch([encodeEntry(e as LogEntry)]);
        const i = pos % (buf.length - 1); // not the newline itself
        buf[i] = ((buf[i] as number) + delta) & 0xff;
        if (buf[i] === 0x0a) return; // a new line break: the line got shorter, which is a different check
        expect(checkLine(buf, 0, buf.length - 1).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('recovery’s fast key reader gives exactly the serial and dedupe key JSON.parse would', () => {
    fc.assert(
      fc.property(entryArb, (e) => {
        const body = encodeEntry(normaliseEntry(e as LogEntry)).body;
        const start = 4; // after "e":
        const fast = readEntryKey(body, start, body.length);
        const parsed = JSON.parse(body.toString('utf8', start)) as LogEntry;
        // null means "use JSON.parse": allowed only when a string needed escaping.
        // Each string on its own: a lone high and a lone low surrogate escape apart but pair up once joined.
        if (fast === null) expect(JSON.stringify(parsed.clientId).slice(1, -1) + JSON.stringify(parsed.id).slice(1, -1)).toContain('\\');
        else expect(fast).toEqual({ serial: parsed.serial, key: dedupeKey(parsed.clientId, parsed.id) });
      }),
      {
        numRuns: 1000,
        // The case that once failed: halves of one surrogate pair split between clientId and id.
        examples: [[{ serial: 1, ts: 0, clientId: '\ud800', id: '\udfff]', name: 'vote.cast', role: 'audience', data: null }]],
      },
    );
  });
});
