/**
 * Random and mutated WebSocket input: PROTOCOL.md frames (hello, ping, pub of every section-6
 * message, history, sub, unsub, at) with one field swapped for something hostile, random JSON
 * and bytes, invalid UTF-8, binary and fragmented messages, and frame-level damage (opcodes,
 * reserved bits, unmasked frames, lying lengths) that only a hand-written peer can send.
 */
import fc from 'fast-check';
import { arbCmd, arbOddCmd } from '../domain/arbitraries';
import { OPCODE, encodeFrame, textFrame, type RawFrame } from '../helpers/raw-ws';
import { arbHostileValue, arbInvalidUtf8, arbMutation, arbTextDamage, damaged, mutatedJson } from './hostile-json';

export const SENDERS = ['unconnected', 'audience', 'stream', 'moderator', 'producer', 'host'] as const;
export type Sender = (typeof SENDERS)[number];

export interface WsCtx {
  /** Tokens a hello may carry: valid ones of each role, expired, for another event, garbage. */
  tokens: string[];
  /** The event's epoch, so a `sub` with `since` may resume by patch (P18). */
  epoch: string;
}

/**
 * How the payload travels. `text`, `binary` and `fragments` are whole messages the hub must
 * answer on a socket that stays usable; `raw` is frame-level damage sent on a throwaway socket.
 */
export type WsInput =
  | { sender: Sender; kind: 'text'; payload: Buffer; thenReset: boolean }
  | { sender: Sender; kind: 'binary'; payload: Buffer }
  | { sender: Sender; kind: 'fragments'; payload: Buffer; parts: number }
  | { sender: Sender; kind: 'raw'; bytes: Buffer }
  /** Wait until the sender's socket answered everything sent so far: paces the batch so views tick between inputs. */
  | { sender: Sender; kind: 'settle' };

// Templates are valid frames (mostly): arbMutation and arbTextDamage make them hostile.
const VIEWS = ['staff', 'audience', 'audience', 'log', 'stats'] as const;
const serial = fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 80 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 2 ** 31, 2 ** 53 + 2, 1e300) });
const pubId = fc.oneof(fc.nat({ max: 30 }).map((n) => `fz-${n}`), fc.string({ minLength: 1, maxLength: 64 }));

/** Section-6 commands this sender's role may publish, mostly; sometimes anyone's, or nonsense. */
function arbCmdFor(sender: Sender): fc.Arbitrary<{ name: string; data: unknown }> {
  const role = sender === 'unconnected' ? null : sender === 'stream' ? 'audience' : sender;
  const own = role === null ? arbCmd : arbCmd.filter((c) => c.role === role);
  return fc.oneof({ weight: 8, arbitrary: own }, { weight: 1, arbitrary: arbCmd }, { weight: 1, arbitrary: arbOddCmd });
}

function arbTemplate(ctx: WsCtx, sender: Sender): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    { weight: sender === 'unconnected' ? 12 : 1, arbitrary: fc.record({ t: fc.constant('hello'), token: fc.constantFrom(...ctx.tokens), client: fc.constant({ name: 'fuzz', version: '0' }), eventId: fc.string({ maxLength: 10 }) }, { requiredKeys: ['t', 'token'] }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('ping'), id: fc.oneof(fc.string({ maxLength: 64 }), fc.integer()), ts: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })) }) },
    { weight: 14, arbitrary: fc.record({ t: fc.constant('pub'), id: pubId, cmd: arbCmdFor(sender) }).map(({ t, id, cmd: c }) => ({ t, id, name: c.name, data: c.data })) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('history'), from: serial, limit: fc.integer({ min: 1, max: 1_000 }) }, { requiredKeys: ['t'] }) },
    {
      weight: 5,
      arbitrary: fc.record(
        { t: fc.constant('sub'), view: fc.constantFrom(...VIEWS), since: serial, epoch: fc.oneof({ weight: 5, arbitrary: fc.constant(ctx.epoch) }, { weight: 1, arbitrary: fc.string({ maxLength: 70 }) }), reason: fc.constant('hash_mismatch') },
        { requiredKeys: ['t', 'view'] },
      ),
    },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('unsub'), view: fc.constantFrom(...VIEWS) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('at'), view: fc.constantFrom('staff', 'audience'), serial }) },
  );
}

type Edit = 'as-is' | 'frame' | 'data';

/** A template as text: as it is, one field of the frame mutated, or one field of a pub's `data`; then maybe damaged. */
function arbFrameText(ctx: WsCtx, sender: Sender): fc.Arbitrary<Buffer> {
  const edit = fc.constantFrom<Edit>('as-is', 'as-is', 'frame', 'data', 'data');
  return fc.tuple(arbTemplate(ctx, sender), edit, arbMutation, arbTextDamage).map(([frame, how, m, damage]) => {
    const data = frame.data;
    if (how === 'data' && frame.t === 'pub' && data !== null && typeof data === 'object' && !Array.isArray(data)) {
      // Mutate inside `data` and splice the result in as the value of `data` (the frame's 4th key).
      return damaged(mutatedJson({ ...frame, data: null }, { kind: 'replace', at: 3, raw: mutatedJson(data as Record<string, unknown>, m) }), damage);
    }
    return damaged(how === 'frame' ? mutatedJson(frame, m) : JSON.stringify(frame), damage);
  });
}

function arbPayload(ctx: WsCtx, sender: Sender): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 20, arbitrary: arbFrameText(ctx, sender) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v))) },
    { weight: 1, arbitrary: arbHostileValue.map((t) => Buffer.from(`{"t":"pub","id":"h","name":"vote.cast","data":${t}}`)) },
    { weight: 1, arbitrary: arbHostileValue.map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => Buffer.from(s)) },
    { weight: 1, arbitrary: arbInvalidUtf8 },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((n) => Buffer.from(`{"t":"ping","id":"big","ts":1,"pad":"${'p'.repeat(n)}"}`)) },
  );
}

/** Frame-level damage: whatever RFC 6455 says a server must refuse, and some it must take. */
function arbRawBytes(ctx: WsCtx, sender: Sender): fc.Arbitrary<Buffer> {
  const frame: fc.Arbitrary<RawFrame> = fc.record({
    opcode: fc.oneof(fc.integer({ min: 0, max: 15 }), fc.constantFrom(OPCODE.text, OPCODE.ping, OPCODE.close)),
    payload: fc.oneof(arbPayload(ctx, sender), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))),
    fin: fc.boolean(),
    rsv: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 7 })),
    mask: fc.oneof(fc.constant(true), fc.constant(false)),
  });
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(frame, { minLength: 1, maxLength: 4 }).map((fs) => Buffer.concat(fs.map(encodeFrame))) },
    {
      weight: 1,
      arbitrary: fc.tuple(frame, fc.constantFrom(2n ** 63n - 1n, 2n ** 32n, 65_537n, 70_000n, 5n)).map(([f, claimedLength]) => encodeFrame({ ...f, claimedLength })),
    },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((a) => Buffer.from(a)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        encodeFrame({ opcode: OPCODE.ping, payload: Buffer.alloc(200) }), // control frames carry at most 125 bytes
        encodeFrame({ opcode: OPCODE.ping, payload: Buffer.from('x'), fin: false }), // and are never fragmented
        encodeFrame({ opcode: OPCODE.close, payload: Buffer.from([0x03]) }), // a 1-byte close payload
        encodeFrame({ opcode: OPCODE.close, payload: Buffer.from([0x03, 0xe7]) }), // close code 999
        encodeFrame({ opcode: OPCODE.close, payload: Buffer.from([0x13, 0x88, 0xff]) }), // code 5000, reason not UTF-8
        encodeFrame({ opcode: OPCODE.continuation, payload: Buffer.from('{"t":"ping"}') }), // continues nothing
        Buffer.concat([textFrame('{"t":"pi', { fin: false }), textFrame('ng","id":1,"ts":1}')]), // a new message inside a fragmented one
      ),
    },
  );
}

export function arbWsInput(ctx: WsCtx): fc.Arbitrary<WsInput> {
  return fc.constantFrom(...SENDERS).chain((sender) =>
    fc.oneof(
      { weight: 12, arbitrary: fc.tuple(arbPayload(ctx, sender), fc.nat({ max: 19 })).map(([payload, r]): WsInput => ({ sender, kind: 'text', payload, thenReset: r === 0 })) },
      { weight: 1, arbitrary: arbPayload(ctx, sender).map((payload): WsInput => ({ sender, kind: 'binary', payload })) },
      { weight: 2, arbitrary: fc.tuple(arbPayload(ctx, sender), fc.integer({ min: 2, max: 5 })).map(([payload, parts]): WsInput => ({ sender, kind: 'fragments', payload, parts })) },
      { weight: 2, arbitrary: arbRawBytes(ctx, sender).map((bytes): WsInput => ({ sender, kind: 'raw', bytes })) },
      { weight: 2, arbitrary: fc.constant<WsInput>({ sender, kind: 'settle' }) },
    ),
  );
}

/** A whole message as the frames that carry it (a valid fragmented message: text, then continuations). */
export function messageFrames(input: Extract<WsInput, { payload: Buffer }>): Buffer {
  if (input.kind === 'text') return textFrame(input.payload);
  if (input.kind !== 'fragments') return encodeFrame({ opcode: OPCODE.binary, payload: input.payload });
  const size = Math.ceil(input.payload.length / input.parts) || 1;
  const parts: Buffer[] = [];
  for (let i = 0; i < input.parts; i++) parts.push(input.payload.subarray(i * size, (i + 1) * size));
  return Buffer.concat(parts.map((p, i) => encodeFrame({ opcode: i === 0 ? OPCODE.text : OPCODE.continuation, payload: p, fin: i === parts.length - 1 })));
}
