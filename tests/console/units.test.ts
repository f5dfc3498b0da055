/**
 * The console core's small pure parts: CSV fields (RFC 4180 + formula injection), reading a
 * token's claims without verifying it, the send pacer, the throttle, and `npm start`'s plan
 * (stale build detection, Electron binary detection without require('electron')).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { csvField, csvRows } from '../../src/main/core/results-csv';
import { TokenBucket } from '../../src/shared/client';
import { throttle } from '../../src/main/core/throttle';
import { readStaffToken } from '../../src/main/core/token-claims';
import { httpBase } from '../../src/main/core/hub-http';
import { lanAddress } from '../../src/main/core/local-hub';
import { buildNeeded, buildOutputs, findElectronBinary } from '../../src/main/start-plan';
import { installFailureLine } from '../../src/main/electron-install';
import { tempDir } from '../helpers/hub-process';

const sign = (claims: Record<string, unknown>, expSec: number): Promise<string> =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('host-1').setExpirationTime(expSec).sign(new Uint8Array(32));

describe('CSV', () => {
  it('quotes per RFC 4180 and defuses formulas in text, not in numbers', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    for (const f of ['=SUM(A1)', '+1', '-1+2', '@cmd', '\tTAB']) expect(csvField(f)).toBe(`'${f}`);
    expect(csvField('=1,2')).toBe(`"'=1,2"`);
    expect(csvField('\rX')).toBe(`"'\rX"`);
    expect(csvField(-3)).toBe('-3');
    expect(csvField(12.5)).toBe('12.5');
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('');
    expect(csvRows([['a', 1], ['b', null]])).toBe('a,1\r\nb,\r\n');
  });
});

describe('token claims (read, not verified)', () => {
  it('reads event, role, name and expiry; refuses audience, expired and garbage tokens with a reason', async () => {
    const now = Date.now();
    const exp = Math.floor(now / 1000) + 3600;
    const t = await sign({ evt: 'ev1', role: 'moderator', name: 'Mia' }, exp);
    expect(readStaffToken(t, now)).toEqual({ ok: true, claims: { eventId: 'ev1', clientId: 'host-1', role: 'moderator', name: 'Mia', expiresAt: exp * 1000 } });
    expect(readStaffToken(await sign({ evt: 'ev1', role: 'audience' }, exp), now)).toMatchObject({ ok: false, message: expect.stringContaining('audience') });
    expect(readStaffToken(await sign({ evt: 'ev1', role: 'host' }, Math.floor(now / 1000) - 1), now)).toMatchObject({ ok: false, message: expect.stringContaining('expired') });
    expect(readStaffToken('not-a-token-at-all', now).ok).toBe(false);
    expect(readStaffToken('a.!!!.c', now).ok).toBe(false);
    expect(readStaffToken(`a.${Buffer.from('{"evt":1}').toString('base64url')}.c`, now).ok).toBe(false);
  });

  it('hub URLs map to their REST base', () => {
    expect(httpBase('ws://h:1/v1/ws')).toBe('http://h:1');
    expect(httpBase('wss://h/base/v1/ws/')).toBe('https://h/base');
    expect(httpBase('http://h:2/')).toBe('http://h:2');
    expect(() => httpBase('ftp://h')).toThrow();
  });

  it('the LAN address is the first non-internal IPv4', () => {
    const lo = { address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: null } as const;
    const v6 = { address: 'fe80::1', netmask: 'ffff::', family: 'IPv6', mac: '', internal: false, cidr: null, scopeid: 1 } as const;
    const lan = { address: '192.168.1.20', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: null } as const;
    expect(lanAddress({ lo: [lo], eth0: [v6, lan] })).toBe('192.168.1.20');
    expect(lanAddress({ lo: [lo] })).toBeNull();
  });
});

describe('pacing and throttling', () => {
  it('the token bucket paces at its rate with its burst (the client uses 150/s, burst 75 under a 200/s hub)', () => {
    let t = 0;
    const p = new TokenBucket(150, 75, t);
    let n = 0;
    while (p.take(t)) n++;
    expect(n).toBe(75);
    expect(p.waitMs(t)).toBe(7);
    t += 1_000;
    n = 0;
    while (p.take(t)) n++;
    expect(n).toBe(75); // the burst caps what a quiet second saves
    let sent = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      t += 1;
      while (p.take(t)) sent++;
    }
    expect(sent).toBeGreaterThanOrEqual(1490);
    expect(sent).toBeLessThanOrEqual(1501);
  });

  it('the throttle runs at once, then once per window with the latest state', async () => {
    let t = 0;
    let calls = 0;
    const th = throttle(() => calls++, 100, () => t);
    th();
    expect(calls).toBe(1);
    th();
    th();
    expect(calls).toBe(1);
    th.flush();
    expect(calls).toBe(2);
    t = 1_000;
    th();
    expect(calls).toBe(3);
    th();
    th.cancel();
    th.flush();
    expect(calls).toBe(3);
  });
});

describe('npm start plan', () => {
  it('build needed when an output is missing or older than a source', () => {
    const root = tempDir('plan');
    fs.mkdirSync(path.join(root, 'src/main'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src/main/a.ts'), '1');
    expect(buildNeeded(root)).toMatch(/out\/main\/index\.js is missing/);
    for (const f of buildOutputs(root)) {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, 'x');
    }
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(root, 'src/main/a.ts'), old, old);
    expect(buildNeeded(root)).toBeNull();
    fs.writeFileSync(path.join(root, 'vite.audience.config.ts'), '');
    expect(buildNeeded(root)).toMatch(/out\/audience\/index\.html is missing/);
    fs.mkdirSync(path.join(root, 'out/audience'));
    fs.writeFileSync(path.join(root, 'out/audience/index.html'), 'x');
    fs.utimesSync(path.join(root, 'vite.audience.config.ts'), old, old);
    expect(buildNeeded(root)).toBeNull();
    const future = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(root, 'src/main/a.ts'), future, future);
    expect(buildNeeded(root)).toMatch(/sources changed/);
  });

  it('Electron counts as installed only when path.txt names a binary that exists', () => {
    const root = tempDir('plan-electron');
    const dir = path.join(root, 'node_modules/electron');
    fs.mkdirSync(dir, { recursive: true });
    expect(findElectronBinary(root)).toMatchObject({ ok: false, reason: expect.stringContaining('path.txt is missing') });
    fs.writeFileSync(path.join(dir, 'path.txt'), 'electron');
    expect(findElectronBinary(root)).toMatchObject({ ok: false, reason: expect.stringContaining('does not exist') });
    fs.mkdirSync(path.join(dir, 'dist'));
    fs.writeFileSync(path.join(dir, 'dist/electron'), '');
    expect(findElectronBinary(root)).toEqual({ ok: true, path: path.join(dir, 'dist/electron') });
  });

  it("boils the Electron installer's error trace down to one line", () => {
    const trace = 'HTTPError: Response code 404 (Not Found) for http://127.0.0.1:1/v45.5.0/electron.zip\n    at FetchDownloader.download (file:///x.js:1:1)\n    at async y\n';
    expect(installFailureLine(trace, 'exit 1')).toBe('HTTPError: Response code 404 (Not Found) for http://127.0.0.1:1/v45.5.0/electron.zip');
    expect(installFailureLine('TypeError: fetch failed\n    at node:internal\n', 'exit 1')).toMatch(/^TypeError: fetch failed: the download server could not be reached/);
    expect(installFailureLine('', 'the installer exited with 1')).toBe('the installer exited with 1');
    expect(installFailureLine('x'.repeat(1000), '')).toHaveLength(300);
  });
});
