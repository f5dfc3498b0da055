/**
 * Issue 12 items 4-5: what a phone downloads from the real hub. The join page and everything
 * it loads before the phone can vote (page, scripts, their static imports, styles, the join
 * request) are summed as bytes read off the socket with `Accept-Encoding: br, gzip`, and must
 * fit the first-load budget. Precompressed twins are served with Content-Encoding and Vary,
 * revalidated by ETag, and hashed assets are cached as immutable.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEvent, ROOT, startHubProcess, type HubProcess } from '../helpers/hub-process';

/** Issue 12: the join page's first load, everything before the first vote, over the wire. */
const FIRST_LOAD_BUDGET_BYTES = 45 * 1024;

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

/** Scripts, module preloads and styles the page names, then every JS file's static imports. */
function referencedAssets(html: string, fetchJs: (p: string) => string): string[] {
  const found = new Set<string>();
  for (const m of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="(\/assets\/[^"]+)"/g)) if (m[1]) found.add(m[1]);
  const queue = [...found].filter((p) => p.endsWith('.js'));
  while (queue.length) {
    const js = fetchJs(queue.shift() as string);
    // Static imports only (`import"./x.js"`, `from"./x.js"`): dynamic import() chunks load later.
    for (const m of js.matchAll(/(?:\bfrom|\bimport)\s*["']\.\/([^"']+\.js)["']/g)) {
      const p = `/assets/${m[1]}`;
      if (!found.has(p)) {
        found.add(p);
        queue.push(p);
      }
    }
  }
  return [...found];
}

const AUDIENCE = path.join(ROOT, 'out/audience');
let hub: HubProcess;
let code: string;

const ACCEPT = { 'accept-encoding': 'br, gzip' };

interface Row {
  file: string;
  wire: number;
  raw: number;
  br: number;
  gzip: number;
}
const sum = (rows: Row[], k: 'wire' | 'raw' | 'br' | 'gzip'): number => rows.reduce((s, r) => s + r[k], 0);

function report(what: string, rows: Row[]): void {
  console.log(
    `${what}: ${sum(rows, 'wire')} bytes over the wire (br, with headers${rows.some((r) => r.file.startsWith('POST')) ? ' and the join request' : ''}); bodies raw ${sum(rows, 'raw')}, br ${sum(rows, 'br')}, gzip ${sum(rows, 'gzip')}\n` +
      rows.map((r) => `  ${r.file}: wire ${r.wire}, raw ${r.raw}, br ${r.br}, gzip ${r.gzip}`).join('\n'),
  );
}

/** The page at `urlPath` and every asset it loads before it runs, fetched as a phone does, with each body's size by encoding. */
async function firstLoad(urlPath: string, htmlFile: string): Promise<Row[]> {
  const page = await get(`${hub.url}${urlPath}`, ACCEPT);
  expect(page.status).toBe(200);
  expect(page.headers['content-encoding']).toBe('br');
  const html = fs.readFileSync(path.join(AUDIENCE, htmlFile), 'utf8');
  const assets = referencedAssets(html, (p) => fs.readFileSync(path.join(AUDIENCE, p), 'utf8'));
  expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
  expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
  const rows: Row[] = [{ file: urlPath, wire: page.wireBytes, raw: 0, br: 0, gzip: 0 }];
  for (const a of assets) {
    const r = await get(`${hub.url}${a}`, ACCEPT);
    expect(r.status, a).toBe(200);
    expect(r.headers['content-encoding'], a).toBe('br');
    rows.push({ file: a, wire: r.wireBytes, raw: 0, br: 0, gzip: 0 });
  }
  // The same files by encoding, bodies only, for docs/benchmarks.md.
  for (const row of rows) {
    const url = `${hub.url}${row.file}`;
    row.raw = (await get(url, { 'accept-encoding': 'identity' })).body.length;
    row.br = (await get(url, { 'accept-encoding': 'br' })).body.length;
    row.gzip = (await get(url, { 'accept-encoding': 'gzip' })).body.length;
  }
  return rows;
}


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
  it(`first load of /j/<code> with Accept-Encoding br, gzip is at most ${FIRST_LOAD_BUDGET_BYTES} bytes over the wire`, async () => {
    const rows = await firstLoad(`/j/${code}`, 'index.html');
    const join = await get(`${hub.url}/v1/join`, { 'content-type': 'application/json', ...ACCEPT }, 'POST', JSON.stringify({ code }));
    expect(join.status).toBe(200);
    rows.push({ file: 'POST /v1/join', wire: join.wireBytes, raw: 0, br: 0, gzip: 0 });
    report('phone first load', rows);
    // Full zod or React in the phone's bundle pushes this over the budget.
    expect(sum(rows, 'wire')).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
  });

  it(`an overlay's first load is within the same budget`, async () => {
    const rows = await firstLoad('/overlay/poll', 'overlay.html');
    report('overlay first load', rows);
    expect(sum(rows, 'wire')).toBeLessThanOrEqual(FIRST_LOAD_BUDGET_BYTES);
  });

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
