/** Admin key and signed tokens (P5, P8). The signing secret is random and kept by the engine
 * (a 0600 file, or one Redis key shared by every node of a cluster). */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { jwtVerify, errors as joseErrors } from 'jose';
import { LruMap } from '../shared/lru';
import { Role } from '../shared/protocol';

export interface TokenClaims {
  clientId: string;
  eventId: string;
  role: Role;
  name: string | null;
  exp: number;
  /** P30: claim `wat`; only audience tokens carry `stream`. */
  watching: 'room' | 'stream';
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: 'expired' | 'invalid' };

export interface AdminKeySource {
  key: string;
  /** Set when the hub created the key just now (printed once). */
  createdAt?: string;
}

/** A fresh random admin key (32 characters after `sk_`). */
export const newAdminKey = (): string => `sk_${crypto.randomBytes(24).toString('base64url')}`;

/** Loads the admin key from the data folder, or creates one there (mode 0600). */
export function loadOrCreateAdminKey(dataDir: string, given?: string): AdminKeySource {
  if (given) return { key: given };
  const file = path.join(dataDir, 'admin.key');
  if (fs.existsSync(file)) return { key: fs.readFileSync(file, 'utf8').trim() };
  fs.mkdirSync(dataDir, { recursive: true });
  const key = newAdminKey();
  fs.writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  return { key, createdAt: file };
}

export const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

export const MIN_ADMIN_KEY_LENGTH = 24;
const MIN_DISTINCT_CHARS = 8;

/**
 * Why an admin key is too weak, or null. Whoever guesses it runs every event, and it travels
 * over the LAN in local mode: at least 24 characters, from more than a tiny alphabet.
 */
export function adminKeyProblem(key: string): string | null {
  if (key.length < MIN_ADMIN_KEY_LENGTH)
    return `the admin key is ${key.length} characters long; use at least ${MIN_ADMIN_KEY_LENGTH} random ones (or leave it out and the hub makes one)`;
  if (new Set(key).size < MIN_DISTINCT_CHARS)
    return `the admin key uses only ${new Set(key).size} different characters; use at least ${MIN_DISTINCT_CHARS} (a random key, not a repeated pattern)`;
  return null;
}

/** Verified tokens the hub remembers by default (issue 18): a whole reconnecting audience and more. */
export const DEFAULT_TOKEN_CACHE_SIZE = 20_000;

/**
 * Issue 18: the claims of tokens whose signature was verified, keyed by the token string, so a
 * reconnect storm (every phone saying hello again with the token it had) costs one map lookup
 * per hello instead of an HMAC check. Least recently used first out past `maxEntries`. A hit
 * still honours `exp`; revocations (P32) are not claims and are checked on every hello
 * regardless (hub.ts), so a cached token of a revoked client is still refused.
 */
export class VerifiedTokenCache {
  private readonly byToken: LruMap<string, TokenClaims>;
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {
    this.byToken = new LruMap(maxEntries);
  }

  get size(): number {
    return this.byToken.size;
  }

  /** The claims of a verified token, `expired` once past its `exp` (and forgotten), or undefined. */
  get(token: string, nowMs: number): TokenClaims | 'expired' | undefined {
    const claims = this.byToken.get(token);
    if (claims === undefined) {
      this.misses++;
      return undefined;
    }
    // jose's own rule (no clock tolerance): expired once exp <= now in whole seconds.
    if (claims.exp <= Math.floor(nowMs / 1000)) {
      this.byToken.delete(token);
      return 'expired';
    }
    this.hits++;
    return claims;
  }

  set(token: string, claims: TokenClaims): void {
    this.byToken.set(token, Object.freeze({ ...claims })); // shared by every session of the token
  }
}

/** The protected header `issue` writes (as base64url), which the synchronous check expects. */
const ISSUED_HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
const utf8Strict = new TextDecoder('utf-8', { fatal: true });
/** HS256 over a token's `header.payload` (both base64url, so ASCII): its signature, as base64url. */
const hs256 = (header: string, body: string, secret: Uint8Array): string => crypto.createHmac('sha256', secret).update(`${header}.${body}`, 'latin1').digest('base64url');
/** A claim jose checks the type of when present (`iat`, `nbf`, `exp`): absent, or a number. */
const absentOrNumber = (v: unknown): boolean => v === undefined || typeof v === 'number';

/**
 * Issue 18: the signature check of a token in the shape `issue` writes (its header, canonical
 * base64url, an ASCII payload), synchronous with node:crypto's HMAC-SHA256: jose's jwtVerify
 * goes through WebCrypto, whose every verify is a promise job on the thread pool, and a restarted
 * hub's empty cache meets a whole hall's hellos at once. It answers only where jose's answer is
 * certain, with jose's rules for the claims (a JSON object; `iat`, `nbf`, `exp` numbers when
 * present; `nbf` not in the future; expired once `exp` <= now in whole seconds, no tolerance);
 * anything else (another header, a signature other than the one expected however encoded, a
 * non-canonical payload) returns undefined, and jose decides as before.
 */
export function verifyIssuedShape(token: string, secret: Uint8Array, nowMs: number): { payload: Record<string, unknown> } | 'expired' | 'invalid' | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, body, signature] = parts as [string, string, string];
  if (header !== ISSUED_HEADER || !/^[A-Za-z0-9_-]*$/.test(body)) return undefined;
  const expected = hs256(header, body, secret);
  if (signature.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(signature, 'latin1'), Buffer.from(expected, 'latin1'))) return undefined;
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.toString('base64url') !== body) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(utf8Strict.decode(bytes));
  } catch {
    return 'invalid';
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'invalid';
  const claims = payload as Record<string, unknown>;
  const now = Math.floor(nowMs / 1000);
  if (!absentOrNumber(claims.iat) || !absentOrNumber(claims.nbf)) return 'invalid';
  if (typeof claims.nbf === 'number' && claims.nbf > now) return 'invalid';
  if (!absentOrNumber(claims.exp)) return 'invalid';
  if (typeof claims.exp === 'number' && claims.exp <= now) return 'expired';
  return { payload: claims };
}

/** The claims `issue` signs, in the order jose's SignJWT writes them (payload, then sub, iat, exp). */
interface IssuedPayload {
  evt: string;
  role: Role;
  name: string | undefined;
  wat: 'stream' | undefined;
  sub: string;
  iat: number;
  exp: number;
}

/**
 * The token `issue` writes, signed synchronously with node:crypto's HMAC-SHA256: byte for byte
 * what jose's SignJWT makes of the same claims (tests/hub/token-verify.test.ts checks it), without
 * WebCrypto's promise job on the thread pool for every join (71 against 9.5 µs of CPU a token in
 * `npm run bench -- tokens`; the thread pool is also where the log's appends wait for their fsync).
 */
export function signIssued(payload: IssuedPayload, secret: Uint8Array): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${ISSUED_HEADER}.${body}.${hs256(ISSUED_HEADER, body, secret)}`;
}

export class TokenAuthority {
  private readonly secret: Uint8Array;
  /** Imported once: jose re-imports a raw secret on every call, about half of a verify's cost. */
  private key: Promise<crypto.webcrypto.CryptoKey> | null = null;
  readonly cache: VerifiedTokenCache;

  /** `signingSecret` is random and stored by the engine (Engine.tokenSecret), never derived from the admin key. */
  constructor(
    private readonly adminKey: string,
    signingSecret: string,
    opts: { cacheSize?: number } = {},
  ) {
    const problem = adminKeyProblem(adminKey);
    if (problem) throw new Error(problem);
    if (signingSecret.length < 32) throw new Error('the token-signing secret is too short');
    this.secret = new TextEncoder().encode(signingSecret);
    this.cache = new VerifiedTokenCache(opts.cacheSize ?? DEFAULT_TOKEN_CACHE_SIZE);
  }

  private hmacKey(): Promise<crypto.webcrypto.CryptoKey> {
    this.key ??= crypto.webcrypto.subtle.importKey('raw', this.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    return this.key;
  }

  isAdmin(bearer: string | undefined): boolean {
    return typeof bearer === 'string' && safeEqual(bearer, this.adminKey);
  }

  issue(claims: Omit<TokenClaims, 'exp' | 'watching'> & { watching?: 'room' | 'stream' }, ttlSec: number): Promise<{ token: string; expiresAt: number }> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + ttlSec;
    const wat = claims.watching === 'stream' && claims.role === 'audience' ? 'stream' : undefined;
    const token = signIssued({ evt: claims.eventId, role: claims.role, name: claims.name ?? undefined, wat, sub: claims.clientId, iat, exp }, this.secret);
    return Promise.resolve({ token, expiresAt: exp * 1000 });
  }

  async verify(token: string): Promise<VerifyResult> {
    const cached = this.cache.get(token, Date.now());
    if (cached === 'expired') return { ok: false, reason: 'expired' };
    if (cached) return { ok: true, claims: cached };
    const v = await this.verifySignature(token);
    if (v.ok) this.cache.set(token, v.claims);
    return v;
  }

  private async verifySignature(token: string): Promise<VerifyResult> {
    const fast = verifyIssuedShape(token, this.secret, Date.now());
    if (fast === 'expired' || fast === 'invalid') return { ok: false, reason: fast };
    if (fast) return claimsOf(fast.payload);
    try {
      const { payload } = await jwtVerify(token, await this.hmacKey(), { algorithms: ['HS256'] });
      return claimsOf(payload);
    } catch (err) {
      return { ok: false, reason: err instanceof joseErrors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

/** A verified payload's claims as the hub uses them; invalid when one it needs is missing. */
function claimsOf(payload: Record<string, unknown>): VerifyResult {
  const role = Role.safeParse(payload.role);
  if (typeof payload.sub !== 'string' || typeof payload.evt !== 'string' || !role.success || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
  const name = typeof payload.name === 'string' ? payload.name : null;
  const watching = payload.wat === 'stream' && role.data === 'audience' ? 'stream' : 'room';
  return { ok: true, claims: { clientId: payload.sub, eventId: payload.evt, role: role.data, name, exp: payload.exp, watching } };
}
