/**
 * fast-check arbitraries for hostile JSON, as text: values JSON.stringify cannot build (5,000
 * levels deep), values a careless parser mishandles (1e309, -0, 2^53+1, lone surrogates,
 * "__proto__"), and valid objects with one field mutated. Shared by the HTTP and WebSocket fuzzers.
 */
import fc from 'fast-check';

const nestedObjects = (d: number): string => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
const nestedArrays = (d: number): string => `${'['.repeat(d)}${']'.repeat(d)}`;

const ODD_VALUES = [
  '1e309', '-1e309', '9007199254740993', '-9007199254740993', '-1', '-0', '0.5', '1e-400', '-2147483649', '4294967296',
  '123456789012345678901234567890', '"\\ud800"', '"\\udfff"', '"a\\ud800b"', '"\\udc00\\ud800"', '"\\u0000"', '"\\u202e"',
  'true', 'false', 'null', '""', '"__proto__"', '"constructor"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}',
  '[]', '{}', '[null]', '{"":""}', '"' + 'x'.repeat(70) + '"', '"' + 'y'.repeat(5_000) + '"',
] as const;

/** One JSON value as text, chosen to hurt. */
export const arbHostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_VALUES) },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 6_000 }).map(nestedObjects) },
  { weight: 1, arbitrary: fc.integer({ min: 20, max: 6_000 }).map(nestedArrays) },
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 12_000 }).map((n) => `[${Array(n).fill('0').join(',')}]`) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 1_500 }).map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`) },
  { weight: 1, arbitrary: fc.double().map((d) => (Number.isFinite(d) ? String(d) : '1e999')) },
);

const PLACEHOLDER = '\u0001raw\u0001';
const PLACEHOLDER_TEXT = JSON.stringify(PLACEHOLDER);

/** A mutation of one object: replace, delete or add a field (`at` picks which, modulo the key count). */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'replace'; at: number; raw: string }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; key: string; raw: string };

export const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), raw: arbHostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('add' as const), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 't', 'id', ''), fc.string({ maxLength: 8 })), raw: arbHostileValue }),
  },
);

/** `obj` as JSON text with `m` applied. Raw values are spliced in as text, so they may be anything. */
export function mutatedJson(obj: Record<string, unknown>, m: Mutation): string {
  const keys = Object.keys(obj);
  const copy: Record<string, unknown> = { ...obj };
  let raw = '';
  if (m.kind === 'replace' && keys.length) {
    copy[keys[m.at % keys.length] as string] = PLACEHOLDER;
    raw = m.raw;
  } else if (m.kind === 'delete' && keys.length) delete copy[keys[m.at % keys.length] as string];
  else if (m.kind === 'add') {
    // Defined as an own property, so "__proto__" is a key in the text, not the prototype.
    Object.defineProperty(copy, m.key, { value: PLACEHOLDER, enumerable: true, configurable: true, writable: true });
    raw = m.raw;
  }
  return JSON.stringify(copy).replace(PLACEHOLDER_TEXT, () => raw);
}

/** Text-level damage after serialising: cut short, one byte flipped, or a stray character. */
export type TextDamage = { kind: 'none' } | { kind: 'truncate'; at: number } | { kind: 'flip'; at: number; bit: number } | { kind: 'insert'; at: number; ch: string };

export const arbTextDamage: fc.Arbitrary<TextDamage> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<TextDamage>({ kind: 'none' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), ch: fc.constantFrom('"', '\\', '{', ']', ',', '\u0000', '\ud800', '\uffff') }) },
);

/** The text as bytes with the damage done: a flipped bit may well leave invalid UTF-8. */
export function damaged(text: string, d: TextDamage): Buffer {
  const bytes = Buffer.from(text);
  if (d.kind === 'none' || bytes.length === 0) return bytes;
  const at = d.at % bytes.length;
  if (d.kind === 'truncate') return bytes.subarray(0, at);
  if (d.kind === 'flip') {
    const out = Buffer.from(bytes);
    out[at] = (out[at] ?? 0) ^ (1 << d.bit);
    return out;
  }
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(d.ch), bytes.subarray(at)]);
}

/** Bytes that are not UTF-8 at all, or almost: overlong forms, lone continuation bytes, CESU surrogates. */
export const arbInvalidUtf8: fc.Arbitrary<Buffer> = fc
  .tuple(
    fc.string({ maxLength: 20 }),
    fc.constantFrom([0xff], [0xc0, 0xaf], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe0, 0xa4], [0xfe, 0xfe]),
    fc.string({ maxLength: 20 }),
  )
  .map(([a, bad, b]) => Buffer.concat([Buffer.from(`{"t":"pub","id":"u8","name":"chat.send","data":{"messageId":"m","text":"${a}`), Buffer.from(bad), Buffer.from(`${b}"}}`)]));
