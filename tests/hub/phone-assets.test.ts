/**
 * Issue 12 item 4: what a phone downloads from the real hub. Precompressed twins are served
 * with Content-Encoding and Vary, revalidated by ETag, and hashed assets are cached as immutable.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, ROOT, startHubProcess, type HubProcess } from '../helpers/hub-process';

interface Got {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Every byte read off the socket: status line, headers and (still encoded) body. */
  wireBytes: number;
}

function get(url: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), wireBytes: res.socket.bytesRead }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const AUDIENCE = path.join(ROOT, 'out/audience');
let hub: HubProcess;
let code: string;

beforeAll(async () => {
  // `npm test` builds first; a lone run builds the audience app if it is missing.
  if (!fs.existsSync(path.join(AUDIENCE, 'index.html')))
    expect(spawnSync('npx', ['vite', 'build', '--config', 'vite.audience.config.ts'], { cwd: ROOT, stdio: 'inherit' }).status).toBe(0);
  hub = await startHubProcess();
  code = (await createEvent(hub.url, 'Phone bytes')).joinCode;
});

afterAll(async () => {
  await hub?.kill();
});

describe('phone assets from the hub', () => {
  it('serves br, gzip or identity by Accept-Encoding, with Vary, an ETag answered by 304, and immutable hashed assets', async () => {
    const page = await get(`${hub.url}/j/${code}`, { 'accept-encoding': 'gzip' });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers.vary).toMatch(/accept-encoding/i);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers.etag).toBeTruthy();
    const again = await get(`${hub.url}/j/${code}`, { 'accept-encoding': 'gzip', 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);

    const script = /src="(\/assets\/[^"]+\.js)"/.exec(fs.readFileSync(path.join(AUDIENCE, 'index.html'), 'utf8'))?.[1] as string;
    const raw = fs.readFileSync(path.join(AUDIENCE, script));
    const plain = await get(`${hub.url}${script}`, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(raw)).toBe(true);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const br = await get(`${hub.url}${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.body.length).toBeLessThan(raw.length);
    expect((await get(`${hub.url}${script}`, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) })).status).toBe(304);

    // Only what the build wrote, by its real name: no twins by name, nothing outside the folder.
    expect((await get(`${hub.url}${script}.br`, {})).status).toBe(404);
    expect((await get(`${hub.url}/assets/..%2f..%2fpackage.json`, {})).status).toBe(404);
    expect((await get(`${hub.url}/nothing-here.js`, {})).status).toBe(404);
  });
});
