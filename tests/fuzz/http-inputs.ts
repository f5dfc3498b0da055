/**
 * Random and mutated HTTP requests, written as raw bytes (tests/helpers/raw-http.ts) so nothing
 * normalises them: odd methods, targets Node's parser lets through (`//[`, bad percent-encoding,
 * 20 KB paths), bad or huge headers, bogus WebSocket upgrades, and hostile bodies to every endpoint.
 */
import fc from 'fast-check';
import { parseRequestTarget } from '../../src/shared/request-target';
import { arbHostileValue, arbInvalidUtf8, arbMutation, arbTextDamage, damaged, mutatedJson } from './hostile-json';

export interface HttpCtx {
  adminKey: string;
  eventId: string;
  joinCode: string;
  /** A valid staff token, sent as a bearer where the admin key belongs. */
  hostToken: string;
  /** A fuzz client's id (never the bystander's): what a mutated revoke body names. */
  someClientId: string;
}

export interface HttpInput {
  method: string;
  target: string;
  headers: string[];
  body: Buffer;
  chunked: boolean;
}

const ENDPOINTS = ['/v1/events', '/v1/tokens', '/v1/join', '/v1/admin/drain', '/v1/revoke', '/v1/health', '/metrics', '/v1/ws', '/', '/index.html', '/assets/app.js', '/join/ABCDEF', '/favicon.ico'] as const;
const ODD_TARGETS = ['//[', '*', '//', '//evil.example/v1/health', 'http://[', 'http://127.0.0.1/v1/health', 'https://x/v1/join', '/%E0%A4%A', '/%', '/%zz', '/%00', '/a%00b', '/%2e%2e/%2e%2e/etc/passwd', '/%C0%AF', '/v1/health/../../metrics', '/v1/./join', '/v1//join', '/v1/join?code=%ff', '/v1/health#frag', '/;x', '/\\..\\..'] as const;
const URLISH = [...'abc/.%?#&=;:@[]!$\'()*+,~-_', '%2F', '%25', '%ZZ', '%e2%82', '%ff', '..', '\u00e9', '\u{1F600}'];

const arbTarget: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ENDPOINTS) },
  { weight: 3, arbitrary: fc.constantFrom(...ODD_TARGETS) },
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...ENDPOINTS, ...ODD_TARGETS), fc.array(fc.constantFrom(...URLISH), { maxLength: 12 })).map(([base, bits]) => base + bits.join('')) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('/', '/v1/', '/assets/'), fc.integer({ min: 1_000, max: 20_000 })).map(([base, n]) => base + 'a/'.repeat(n / 2)) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => `/v1/health?${'q=%41&'.repeat(n / 6)}`) },
);

const arbMethod = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST') },
  { weight: 3, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE') },
  { weight: 1, arbitrary: fc.constantFrom('PROPFIND', 'M-SEARCH', 'PURGE', 'get', 'FOO', 'G\u00c9T', 'SOURCE') },
);

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
const fieldValue = fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ''));

function arbHeaders(ctx: HttpCtx): fc.Arbitrary<string[]> {
  const host = fc.constantFrom(['Host: 127.0.0.1'], [], ['Host: '], ['Host: ['], ['Host: evil.example'], ['Host: a', 'Host: b'], [`Host: ${'h'.repeat(20_000)}`], ['Host: 127.0.0.1:99999']);
  const type = fc.constantFrom(['Content-Type: application/json'], ['Content-Type: application/json'], [], ['Content-Type: text/plain'], ['Content-Type: application/json; charset=latin1'], ['Content-Type: application/jsonx']);
  const auth = fc.constantFrom(
    [`Authorization: Bearer ${ctx.adminKey}`],
    [`Authorization: Bearer ${ctx.adminKey}`],
    [],
    ['Authorization: Bearer '],
    ['Authorization: Bearer wrong'],
    [`Authorization: Bearer ${ctx.hostToken}`],
    [`Authorization: bearer ${ctx.adminKey}`],
    [`Authorization: Basic ${Buffer.from(`admin:${ctx.adminKey}`).toString('base64')}`],
    [`Authorization: Bearer ${'k'.repeat(12_000)}`],
    [`Authorization: Bearer ${ctx.adminKey}`, 'Authorization: Bearer wrong'],
  );
  const upgrade = fc.option(
    fc.record({
      upgrade: fc.constantFrom('websocket', 'WebSocket', 'h2c', '', 'websocket, foo'),
      key: fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', '', 'short', 'not base64 at all!!', 'x'.repeat(5_000)),
      version: fc.constantFrom('13', '8', '', 'abc', '13, 8'),
      protocol: fc.constantFrom('stagecall.v1', '', 'other', 'stagecall.v1, x'),
    }).map((u) => [`Upgrade: ${u.upgrade}`, 'Connection: Upgrade', `Sec-WebSocket-Key: ${u.key}`, `Sec-WebSocket-Version: ${u.version}`, ...(u.protocol ? [`Sec-WebSocket-Protocol: ${u.protocol}`] : [])]),
    { nil: [], freq: 4 },
  );
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant<string[]>([]) },
    { weight: 3, arbitrary: fc.array(fc.tuple(token, fieldValue).map(([k, v]) => `${k}: ${v}`), { maxLength: 5 }) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 3_000 }).map((n) => Array.from({ length: n }, (_, i) => `X-${i}: ${i}`)) },
    { weight: 1, arbitrary: fc.constantFrom([`Cookie: ${'c=1; '.repeat(4_000)}`], ['Expect: 100-continue'], ['Content-Length: 5', 'Content-Length: 6'], ['X-Bad\u0001: 1'], ['Bad Header: 1'], [' Folded: continues']) },
  );
  return fc.tuple(host, type, auth, upgrade, extra).map((parts) => parts.flat());
}

/** The body a valid request to `path` would carry, for mutation. */
function validBody(path: string, ctx: HttpCtx): Record<string, unknown> {
  if (path.includes('/tokens')) return { eventId: ctx.eventId, role: 'moderator', name: 'Fuzz' };
  if (path.includes('/join')) return { code: ctx.joinCode, name: 'Fuzz', watching: 'stream' };
  if (path.includes('/drain')) return { drainSeconds: 5 };
  if (path.includes('/revoke')) return { eventId: ctx.eventId, clientId: ctx.someClientId };
  return { title: 'Fuzz event' };
}

function arbBody(ctx: HttpCtx, target: string): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.tuple(arbMutation, arbTextDamage).map(([m, d]) => damaged(mutatedJson(validBody(target, ctx), m), d)) },
    { weight: 2, arbitrary: arbHostileValue.map((t) => Buffer.from(t)) },
    { weight: 1, arbitrary: arbInvalidUtf8 },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)) },
    { weight: 1, arbitrary: fc.integer({ min: 65_000, max: 200_000 }).map((n) => Buffer.from(`{"title":"${'t'.repeat(n)}"}`)) },
    { weight: 1, arbitrary: fc.constant(Buffer.alloc(0)) },
  );
}

export function arbHttpInput(ctx: HttpCtx): fc.Arbitrary<HttpInput> {
  return fc
    .tuple(arbMethod, arbTarget, arbHeaders(ctx), fc.boolean(), fc.nat({ max: 9 }))
    .chain(([method, target, headers, chunked, bodyless]) =>
      (bodyless < 2 && method === 'GET' ? fc.constant(Buffer.alloc(0)) : arbBody(ctx, target)).map((body) => ({ method, target, headers, body, chunked: chunked && body.length > 0 })),
    )
    .map((input) => neverDrains(input, ctx));
}

/**
 * A drain (P31) with the admin key would take this node out of service, which is its job, not a
 * fault: such a request keeps the key but carries a body the strict schema refuses.
 */
function neverDrains(input: HttpInput, ctx: HttpCtx): HttpInput {
  const t = parseRequestTarget(input.target);
  const mayDrain = input.method === 'POST' && t.ok && t.pathname === '/v1/admin/drain' && input.headers.some((h) => h.includes(ctx.adminKey));
  if (!mayDrain) return input;
  return { ...input, body: Buffer.from(`{"drainSeconds":5,"notAField":${input.body.length ? JSON.stringify(input.body.toString('latin1').slice(0, 100)) : 1}}`) };
}

/** The request as bytes: head (with a correct Content-Length or chunked framing, so the hub can always answer) and body. */
export function encodeHttp(input: HttpInput): { head: string; body: Buffer } {
  const framing = input.body.length === 0 ? [] : input.chunked ? ['Transfer-Encoding: chunked'] : [`Content-Length: ${input.body.length}`];
  // Framing first, so neverDrains holds even against a hub that kept only the first 2,000 headers (Node's default).
  const head = [`${input.method} ${input.target} HTTP/1.1`, ...framing, ...input.headers.filter((h) => !/^content-length:/i.test(h) || !framing.length)].join('\r\n');
  if (!input.chunked || input.body.length === 0) return { head, body: input.body };
  const half = Math.ceil(input.body.length / 2);
  const chunks = [input.body.subarray(0, half), input.body.subarray(half)].filter((c) => c.length);
  return { head, body: Buffer.concat([...chunks.flatMap((c) => [Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]), Buffer.from('0\r\n\r\n')]) };
}

/** Several requests on one connection: pipelined (maybe trickled a few bytes at a time), or one cut off by the peer. */
export type HttpConversationInput = { kind: 'pipelined'; inputs: HttpInput[]; chunk: number | undefined } | { kind: 'cut'; input: HttpInput; keep: number };

export function arbHttpConversation(ctx: HttpCtx): fc.Arbitrary<HttpConversationInput> {
  const input = arbHttpInput(ctx);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .record({ inputs: fc.array(input, { minLength: 2, maxLength: 4 }), chunk: fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }) })
        .map(({ inputs, chunk }) => ({ kind: 'pipelined' as const, inputs, chunk })),
    },
    { weight: 1, arbitrary: fc.record({ input, keep: fc.double({ min: 0.05, max: 0.95, noNaN: true }) }).map(({ input: i, keep }) => ({ kind: 'cut' as const, input: i, keep })) },
  );
}

/** One request's bytes; `close` asks the hub to close the connection after answering it. */
export function requestBytes(input: HttpInput, close: boolean): Buffer {
  const { head, body } = encodeHttp(input);
  return Buffer.concat([Buffer.from(`${head}${close ? '\r\nConnection: close' : ''}\r\n\r\n`), body]);
}
