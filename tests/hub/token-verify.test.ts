/**
 * Issue 18: the hub checks tokens in the shape it issues with node:crypto's HMAC, synchronously,
 * and leaves every other token to jose. The fast check must answer exactly as jose's jwtVerify
 * (HS256 only, no clock tolerance) wherever it answers at all: each token below, well formed or
 * crafted, is given to both, and the fast one must either defer (undefined) or agree.
 */
import crypto from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { signIssued, TokenAuthority, verifyIssuedShape } from '../../src/hub/auth';

const SECRET = 'a-token-signing-secret-of-32-chars-or-more';
const KEY = new TextEncoder().encode(SECRET);
const ADMIN = 'sk_0123456789abcdefghijklmnopqrstuv';
const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
const sign = (header: string, body: string, key: Uint8Array = KEY): string => `${header}.${body}.${crypto.createHmac('sha256', key).update(`${header}.${body}`).digest('base64url')}`;
const now = Math.floor(Date.now() / 1000);

type Answer = { payload: Record<string, unknown> } | 'expired' | 'invalid';
async function jose(token: string): Promise<Answer> {
  try {
    return { payload: (await jwtVerify(token, KEY, { algorithms: ['HS256'] })).payload as Record<string, unknown> };
  } catch (err) {
    return err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid';
  }
}

const claims = { sub: 'c_1', evt: 'e_1', role: 'audience', name: 'Ana', iat: now, exp: now + 600 };
const good = sign(HEADER, b64(JSON.stringify(claims)));
const lastCharFlipped = (t: string): string => {
  const last = t.at(-1) ?? 'A';
  return t.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) ^ 1);
};
// One case per rule of jose's that the fast check repeats, and the shapes it leaves to jose.
const CASES: Record<string, string> = {
  issued: good,
  expired: sign(HEADER, b64(JSON.stringify({ ...claims, exp: now - 1 }))),
  'exp is now': sign(HEADER, b64(JSON.stringify({ ...claims, exp: now }))),
  'exp a string': sign(HEADER, b64(JSON.stringify({ ...claims, exp: String(now + 600) }))),
  'no exp': sign(HEADER, b64(JSON.stringify({ sub: 'c_1', evt: 'e_1', role: 'audience' }))),
  'nbf in the future': sign(HEADER, b64(JSON.stringify({ ...claims, nbf: now + 60 }))),
  'nbf in the future and expired': sign(HEADER, b64(JSON.stringify({ ...claims, nbf: now + 60, exp: now - 1 }))),
  'nbf past': sign(HEADER, b64(JSON.stringify({ ...claims, nbf: now - 60 }))),
  'iat a string and expired': sign(HEADER, b64(JSON.stringify({ ...claims, iat: 'yesterday', exp: now - 1 }))),
  'payload an array': sign(HEADER, b64('[1,2]')),
  'payload null': sign(HEADER, b64('null')),
  'payload not JSON': sign(HEADER, b64('{"sub":')),
  'payload not UTF-8': sign(HEADER, Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')),
  'payload with a BOM': sign(HEADER, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(claims))]).toString('base64url')),
  'payload non-canonical base64url': sign(HEADER, `${b64(JSON.stringify(claims)).slice(0, -1)}${String.fromCharCode((b64(JSON.stringify(claims)).at(-1) ?? 'A').charCodeAt(0) + 1)}`),
  'payload with padding': sign(HEADER, `${Buffer.from('{"exp":1}x').toString('base64url')}==`),
  'other key': sign(HEADER, b64(JSON.stringify(claims)), new TextEncoder().encode('another-secret-of-at-least-32-chars!!')),
  'payload tampered': `${HEADER}.${b64(JSON.stringify({ ...claims, role: 'host' }))}.${good.split('.')[2]}`,
  'signature last char flipped': lastCharFlipped(good),
  'signature truncated': good.slice(0, -2),
  'signature empty': good.slice(0, good.lastIndexOf('.') + 1),
  'alg none': `${b64('{"alg":"none"}')}.${b64(JSON.stringify(claims))}.`,
  'alg HS512 header, HS256 signature': sign(b64('{"alg":"HS512","typ":"JWT"}'), b64(JSON.stringify(claims))),
  'header without typ': sign(b64('{"alg":"HS256"}'), b64(JSON.stringify(claims))),
  'crit b64 false': sign(b64('{"alg":"HS256","crit":["b64"],"b64":false}'), JSON.stringify(claims)),
  'two parts': good.split('.').slice(0, 2).join('.'),
  'four parts': `${good}.x`,
  empty: '',
};

describe('the synchronous HS256 check answers as jose does (issue 18)', () => {
  it('agrees with jwtVerify on every token it answers, and answers the ones the hub issues', async () => {
    const answered: string[] = [];
    for (const [name, token] of Object.entries(CASES)) {
      const fast = verifyIssuedShape(token, KEY, Date.now());
      if (fast === undefined) continue;
      answered.push(name);
      expect({ name, answer: fast }).toEqual({ name, answer: await jose(token) });
    }
    expect(answered).toEqual(expect.arrayContaining(['issued', 'expired', 'exp is now', 'exp a string', 'nbf in the future', 'nbf in the future and expired', 'iat a string and expired', 'payload an array', 'payload not UTF-8', 'payload with a BOM']));
    for (const name of ['other key', 'payload tampered', 'signature last char flipped', 'alg none', 'alg HS512 header, HS256 signature', 'header without typ', 'crit b64 false', 'payload non-canonical base64url'])
      expect({ name, answered: answered.includes(name) }).toEqual({ name, answered: false });
  });

  it('TokenAuthority.verify gives the same result for every case as jose followed by the claim checks', async () => {
    const auth = new TokenAuthority(ADMIN, SECRET, { cacheSize: 0 });
    const issued = await auth.issue({ clientId: 'c_9', eventId: 'e_9', role: 'audience', name: null, watching: 'stream' }, 60);
    expect(await auth.verify(issued.token)).toEqual({ ok: true, claims: { clientId: 'c_9', eventId: 'e_9', role: 'audience', name: null, exp: Math.floor(issued.expiresAt / 1000), watching: 'stream' } });
    for (const [name, token] of Object.entries(CASES)) {
      const ref = await jose(token);
      const got = await auth.verify(token);
      const want = ref === 'expired' || ref === 'invalid' ? { ok: false, reason: ref } : ref.payload.role === 'audience' && typeof ref.payload.sub === 'string' && typeof ref.payload.evt === 'string' && typeof ref.payload.exp === 'number' ? { ok: true } : { ok: false, reason: 'invalid' };
      expect({ name, got: got.ok ? { ok: true } : got }).toEqual({ name, got: want });
    }
  });

  it('a token signed by jose itself with the hub header goes the fast way', async () => {
    const t = await new SignJWT({ evt: 'e_1', role: 'host' }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject('c_2').setExpirationTime(now + 60).sign(KEY);
    expect(verifyIssuedShape(t, KEY, Date.now())).toEqual({ payload: { evt: 'e_1', role: 'host', sub: 'c_2', exp: now + 60 } });
    expect(verifyIssuedShape(t, KEY, (now + 60) * 1000)).toBe('expired');
  });
});

describe('the synchronous signer writes what jose wrote (issue 18)', () => {
  afterEach(() => vi.useRealTimers());

  // What TokenAuthority.issue signed with jose before: the same claims, the same calls, in order.
  const joseIssue = (c: { evt: string; role: string; name?: string; wat?: 'stream'; sub: string; exp: number }): Promise<string> =>
    new SignJWT({ evt: c.evt, role: c.role, name: c.name, wat: c.wat }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(c.sub).setIssuedAt().setExpirationTime(c.exp).sign(KEY);

  it('byte for byte, for every kind of token the hub issues', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-03T12:00:00.700Z'));
    const iat = Math.floor(Date.now() / 1000);
    const cases = [
      { evt: 'e_1', role: 'audience' as const, name: 'Ana', wat: undefined, sub: 'c_1' },
      { evt: 'e_1', role: 'audience' as const, name: undefined, wat: 'stream' as const, sub: 'c_2' },
      { evt: 'e_2', role: 'host' as const, name: 'Zoë 🎤 "the host" \\ </script>', wat: undefined, sub: 'c_3' },
      { evt: 'e_2', role: 'moderator' as const, name: undefined, wat: undefined, sub: 'c_4' },
    ];
    for (const c of cases) {
      const exp = iat + 3600;
      const ours = signIssued({ ...c, iat, exp }, KEY);
      expect(ours).toBe(await joseIssue({ ...c, ...(c.name === undefined ? {} : { name: c.name }), ...(c.wat ? { wat: c.wat } : {}), exp }));
      expect((await jwtVerify(ours, KEY, { algorithms: ['HS256'] })).payload).toEqual({ evt: c.evt, role: c.role, ...(c.name === undefined ? {} : { name: c.name }), ...(c.wat ? { wat: c.wat } : {}), sub: c.sub, iat, exp });
    }
  });

  it('TokenAuthority.issue signs with the synchronous signer, and its tokens verify (with jose, and the fast way)', async () => {
    const auth = new TokenAuthority(ADMIN, SECRET, { cacheSize: 0 });
    const t = await auth.issue({ clientId: 'c_7', eventId: 'e_7', role: 'producer', name: 'Pat' }, 120);
    const exp = Math.floor(t.expiresAt / 1000);
    const { payload } = await jwtVerify(t.token, KEY, { algorithms: ['HS256'] });
    expect(payload).toEqual({ evt: 'e_7', role: 'producer', name: 'Pat', sub: 'c_7', iat: exp - 120, exp });
    expect(t.token).toBe(signIssued({ evt: 'e_7', role: 'producer', name: 'Pat', wat: undefined, sub: 'c_7', iat: exp - 120, exp }, KEY));
    expect(verifyIssuedShape(t.token, KEY, Date.now())).toEqual({ payload });
  });
});
