/**
 * `npm run bench -- tokens`: what signing a join token costs the hub (doors open: thousands of
 * phones scanning the QR code at once). The hub's signer (src/hub/auth.ts signIssued, node:crypto
 * HMAC, synchronous) against what it used before, jose's SignJWT through WebCrypto (a promise job
 * on the libuv thread pool per token, the pool the log's fsyncs also wait in), on the same claims,
 * in alternating rounds in this process: CPU per token (all threads) and each token's time from
 * request to token with 50 joins in flight, as the join endpoint sees them.
 */
import crypto from 'node:crypto';
import { SignJWT } from 'jose';
import { signIssued } from '../src/hub/auth';
import { Histogram } from '../src/shared/histogram';
import type { BenchModule } from './lib/report';

const SECRET = new TextEncoder().encode('bench-token-signing-secret-0123456789abcdef');
const IN_FLIGHT = 50;

type Signer = (i: number) => Promise<string>;

interface Round {
  cpuUsPerToken: number;
  latency: Histogram;
}

async function round(sign: Signer, tokens: number): Promise<Round> {
  const latency = new Histogram();
  let next = 0;
  const cpu0 = process.cpuUsage();
  const lane = async (): Promise<void> => {
    while (next < tokens) {
      const i = next++;
      const t0 = performance.now();
      await sign(i);
      latency.record(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const cpu = process.cpuUsage(cpu0);
  return { cpuUsPerToken: (cpu.user + cpu.system) / tokens, latency };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

export const bench: BenchModule = {
  describe: 'signing 5,000 join tokens: the hub\'s node:crypto signer vs jose through WebCrypto (before), same run',
  async run(ctx) {
    const tokens = ctx.quick ? 500 : 5_000;
    const rounds = ctx.quick ? 2 : 6;
    const key = await crypto.webcrypto.subtle.importKey('raw', SECRET, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const iat = Math.floor(Date.now() / 1000);
    const claims = (i: number): { evt: string; role: 'audience'; name: string; sub: string } => ({ evt: 'ev_bench', role: 'audience', name: `Guest ${i}`, sub: `c_${i.toString(36)}` });
    const signers: Array<[string, Signer]> = [
      ['jose SignJWT, WebCrypto (before)', (i) => { const c = claims(i); return new SignJWT({ evt: c.evt, role: c.role, name: c.name }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(c.sub).setIssuedAt(iat).setExpirationTime(iat + 3600).sign(key); }],
      ['signIssued, node:crypto (now)', (i) => Promise.resolve(signIssued({ ...claims(i), wat: undefined, iat, exp: iat + 3600 }, SECRET))],
    ];
    // Both write the same token: what is compared is only how.
    if ((await signers[0]![1](7)) !== (await signers[1]![1](7))) throw new Error('the two signers wrote different tokens');
    const results = new Map<string, Round[]>(signers.map(([name]) => [name, []]));
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? [...signers].reverse() : signers;
      for (const [name, sign] of order) results.get(name)?.push(await round(sign, tokens));
    }
    const base = median((results.get(signers[0]![0]) ?? []).map((x) => x.cpuUsPerToken));
    const rows = signers.map(([name]) => {
      const rs = results.get(name) ?? [];
      const h = new Histogram();
      for (const x of rs) h.merge(x.latency);
      const cpu = median(rs.map((x) => x.cpuUsPerToken));
      ctx.log(`${name}: ${cpu.toFixed(1)} µs of CPU a token (median of ${rs.length} rounds), p50 ${h.quantile(0.5).toFixed(2)} p99 ${h.quantile(0.99).toFixed(2)} ms to sign with ${IN_FLIGHT} in flight`);
      return [name, tokens, rs.length, Number(cpu.toFixed(1)), `${(cpu / base).toFixed(2)}x`, Number(h.quantile(0.5).toFixed(2)), Number(h.quantile(0.99).toFixed(2))];
    });
    return [
      {
        title: `Signing join tokens: ${tokens.toLocaleString('en-US')} a round, ${IN_FLIGHT} in flight`,
        columns: ['signer', 'tokens a round', 'rounds', 'CPU µs a token (median of rounds)', 'vs before', 'p50 ms to sign', 'p99 ms to sign'],
        rows,
        notes: [
          'Both sign the same claims (an audience token as POST /join issues it) with the same secret and write byte-identical tokens (checked in the run; tests/hub/token-verify.test.ts checks every kind of token the hub issues).',
          'CPU: this process, all threads (WebCrypto signs on the libuv thread pool), per token; rounds alternate which signer goes first. Time to sign: from the call to the token, with 50 signings in flight as 50 concurrent joins would have them, p50/p99 over every token of every round.',
          'Run as `npm run bench -- tokens`.',
        ],
      },
    ];
  },
};
