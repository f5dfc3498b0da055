/**
 * The bridges between the console UI and the core, pinned (STYLE.md: security regression
 * tests pin exactly what the bridge exposes): the preload exposes `request` and `on` only;
 * every request passes the contract gate before it reaches the core (counted); the web host
 * wants the one-time token (then its cookie), the right Host and Origin; the browser-side
 * bridge answers every request with a Result, reconnects, and times out.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { dispatchRequest } from '../../src/main/bridge-dispatch';
import { secureWebPreferences } from '../../src/main/web-preferences';
import { ConsoleCore } from '../../src/main/core/console-core';
import { isSafeExternalUrl, isTrustedRendererUrl } from '../../src/main/trusted-sender';
import { startWebHost, type BridgeCore, type WebHost } from '../../src/main/web-host';
import { createPreloadApi, type PreloadIpc } from '../../src/preload/preload-api';
import { createWebBridge, type BridgeSocket, type WebBridge } from '../../src/renderer/src/bridge/web-bridge';
import { EVENT_NAMES, REQUEST_NAMES, type ConsoleApi, type SessionInfo } from '../../src/shared/console-api';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../../src/shared/ipc-channels';
import { tempDir } from '../helpers/hub-process';
import { waitUntil } from '../helpers/wait';
import { must } from './fixtures/wait';

const ROOT = path.resolve(__dirname, '..', '..');
const read = (p: string): string => fs.readFileSync(path.join(ROOT, p), 'utf8');

/** Requests outside the contract or with bad payloads: each must be refused before the core. */
const BAD: Array<[unknown, unknown, string]> = [
  ['no/such', {}, 'unknown_request'],
  ['__proto__', {}, 'unknown_request'],
  ['constructor', {}, 'unknown_request'],
  ['toString', {}, 'unknown_request'],
  [42, {}, 'unknown_request'],
  [null, {}, 'unknown_request'],
  ['publish', { name: 'drop.tables', data: {} }, 'invalid'],
  ['publish', 'poll.open', 'invalid'],
  ['session/startLocal', { title: '' }, 'invalid'],
  ['session/startLocal', { title: 'x'.repeat(201) }, 'invalid'],
  ['session/joinRemote', { hubUrls: ['file:///etc/passwd'], token: 'abcdefghijkl' }, 'invalid'],
  ['session/createRemote', { hubUrls: [], adminKey: 'k', title: 't', name: 'n' }, 'invalid'],
  ['outbox/list', { limit: 5_000 }, 'invalid'],
  ['results/export', { kind: 'passwords' }, 'invalid'],
  ['rehearsal/start', { audience: 1e9, profile: 'storm' }, 'invalid'],
  ['token/issue', { role: 'audience', name: 'x' }, 'invalid'],
];

function countingCore(core: ConsoleCore): BridgeCore & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    request: (name, payload) => {
      calls.push(name);
      return core.request(name, payload);
    },
    on: (event, listener) => core.on(event, listener),
    initialEvents: () => core.initialEvents(),
  };
}

describe('preload: exactly the ConsoleApi', () => {
  it('src/preload/index.ts exposes one object, `stagecall`, built by createPreloadApi, and never ipcRenderer itself', () => {
    const text = read('src/preload/index.ts');
    expect(text.match(/exposeInMainWorld/g)).toHaveLength(1);
    expect(text).toMatch(/exposeInMainWorld\(\s*'stagecall',\s*createPreloadApi\(\{/);
    expect(text).not.toMatch(/exposeInMainWorld\([^)]*,\s*ipcRenderer\s*\)/);
    expect(text).not.toMatch(/\bsend\(|sendSync|require\(/);
    // ipcRenderer is only used inside the three forwarding arrows.
    expect(text.match(/ipcRenderer\.\w+/g)).toEqual(['ipcRenderer.invoke', 'ipcRenderer.on', 'ipcRenderer.removeListener']);
    for (const f of fs.readdirSync(path.join(ROOT, 'src/preload'))) {
      const t = read(`src/preload/${f}`);
      // Only electron (index.ts), the api module and the shared contract: nothing else reaches the preload bundle.
      for (const m of t.matchAll(/from '([^']+)'/g)) expect(['electron', './preload-api', '../shared/console-api', '../shared/ipc-channels']).toContain(m[1]);
    }
  });

  it('the exposed object has only `request` and `on`, is frozen, and hides IPC event objects', async () => {
    const invoked: unknown[][] = [];
    const subscribed = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
    const ipc: PreloadIpc = {
      invoke: (channel, ...args) => {
        invoked.push([channel, ...args]);
        return Promise.resolve({ ok: true, value: 'pong' });
      },
      on: (channel, fn) => (subscribed.get(channel) ?? subscribed.set(channel, new Set()).get(channel))?.add(fn),
      removeListener: (channel, fn) => subscribed.get(channel)?.delete(fn),
    };
    const api = createPreloadApi(ipc);
    expect(Object.keys(api).sort()).toEqual(['on', 'request']);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.getOwnPropertyNames(api).sort()).toEqual(['on', 'request']);

    expect(await api.request('app/info', {})).toEqual({ ok: true, value: 'pong' });
    expect(invoked).toEqual([[IPC_REQUEST_CHANNEL, 'app/info', {}]]);

    const got: unknown[][] = [];
    const off = api.on('notice', (...args: unknown[]) => got.push(args));
    expect([...subscribed.keys()]).toEqual([IPC_EVENT_CHANNEL]);
    const fakeElectronEvent = { sender: { send: () => 'leaked' }, ports: [] };
    for (const fn of subscribed.get(IPC_EVENT_CHANNEL) ?? []) {
      fn(fakeElectronEvent, 'notice', { level: 'info', message: 'hi' });
      fn(fakeElectronEvent, 'status', { state: 'closed' });
    }
    expect(got).toEqual([[{ level: 'info', message: 'hi' }]]); // payload only, only for the event listened to
    off();
    off();
    expect(subscribed.get(IPC_EVENT_CHANNEL)?.size).toBe(0); // the last unsubscribe detaches from IPC

    const failing = createPreloadApi({ ...ipc, invoke: () => Promise.reject(new Error('no handler')) });
    expect(await failing.request('app/info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});

describe('main process pins', () => {
  it('ipcMain is touched only by src/main/ipc.ts, which checks the sender frame and gates through dispatchRequest', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
        if (e.isDirectory()) walk(`${d}/${e.name}`);
        else if (/\.tsx?$/.test(e.name) && /import\s*\{[^}]*\bipcMain\b[^}]*\}\s*from\s*'electron'/.test(read(`${d}/${e.name}`))) files.push(`${d}/${e.name}`);
      }
    };
    walk('src');
    expect(files).toEqual(['src/main/ipc.ts']);
    const ipc = read('src/main/ipc.ts');
    expect(ipc.match(/ipcMain\.handle\(/g)).toHaveLength(1);
    expect(ipc).toMatch(/senderFrame/);
    expect(ipc).toMatch(/mainFrame/);
    expect(ipc).toMatch(/dispatchRequest\(core, name, payload\)/);
  });

  it('the window keeps Electron’s security checklist', () => {
    expect(secureWebPreferences('/app/preload')).toEqual({
      preload: path.join('/app/preload', 'index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    const main = read('src/main/index.ts');
    // Every window the main process opens takes those preferences (the presenter's through its options).
    const windows = [...main.matchAll(/webPreferences: ([^,\n]+)/g)].map((m) => m[1]);
    expect(windows.length).toBeGreaterThanOrEqual(2);
    expect(new Set(windows)).toEqual(new Set(['secureWebPreferences(PRELOAD_DIR)']));
    expect(read('src/main/presenter-window.ts')).toMatch(/webPreferences: opts\.webPreferences/);
    expect(main).toMatch(/will-navigate', \(e\) => e\.preventDefault\(\)/);
    expect(main).toMatch(/setWindowOpenHandler[\s\S]*action: 'deny'/);
    expect(main).toMatch(/setPermissionRequestHandler\(\(_wc, _permission, callback\) => callback\(false\)\)/);
    expect(main).toMatch(/requestSingleInstanceLock/);
    expect(main).toMatch(/onHeadersReceived/);
    expect(read('src/renderer/index.html')).toMatch(/http-equiv="Content-Security-Policy"[\s\S]*script-src 'self'[;"]/);
  });

  it('trusted senders and external links', () => {
    expect(isTrustedRendererUrl('app://stagecall/index.html')).toBe(true);
    expect(isTrustedRendererUrl('app://evil/index.html')).toBe(false);
    expect(isTrustedRendererUrl('https://stagecall/index.html')).toBe(false);
    expect(isTrustedRendererUrl('file:///tmp/index.html')).toBe(false);
    expect(isTrustedRendererUrl(undefined)).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/')).toBe(false);
    expect(isTrustedRendererUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isSafeExternalUrl('https://stagecall.app/help')).toBe(true);
    for (const u of ['http://x.test', 'javascript:alert(1)', 'file:///etc/passwd', 'https://user:pw@x.test', 'smb://host/share', 'not a url']) expect(isSafeExternalUrl(u)).toBe(false);
  });
});

describe('the contract gate', () => {
  it('a request outside the contract or with a bad payload gets an error value and never reaches the core', async () => {
    const calls: string[] = [];
    const core: Pick<ConsoleApi, 'request'> = {
      request: async (name) => {
        calls.push(name);
        return { ok: true, value: null } as never;
      },
    };
    for (const [name, payload, code] of BAD) {
      const r = await dispatchRequest(core, name, payload);
      expect(r, `${String(name)} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code } });
    }
    expect(calls).toEqual([]);
    // Every request in the contract has a payload schema: a bare string is refused for each.
    for (const name of REQUEST_NAMES) expect(await dispatchRequest(core, name, 'not an object'), name).toMatchObject({ ok: false, error: { code: 'invalid' } });
    expect(calls).toEqual([]);
    expect(await dispatchRequest(core, 'outbox/list', { limit: 10 })).toEqual({ ok: true, value: null });
    expect(calls).toEqual(['outbox/list']);
    // A core that takes parsed requests gets the gate's parse (a trimmed title) and is not asked to parse again.
    const parsedCalls: Array<[string, unknown]> = [];
    const parsing = { request: () => Promise.reject(new Error('parsed twice')), handleParsed: async (n: string, p: unknown) => (parsedCalls.push([n, p]), { ok: true as const, value: null }) };
    expect(await dispatchRequest(parsing, 'session/startLocal', { title: '  Town hall  ' })).toEqual({ ok: true, value: null });
    expect(parsedCalls).toEqual([['session/startLocal', { title: 'Town hall' }]]);
    const throwing = { request: () => Promise.reject(new Error('boom')) };
    expect(await dispatchRequest(throwing, 'app/info', {})).toMatchObject({ ok: false, error: { code: 'internal', message: 'boom' } });
  });
});

describe('web host', () => {
  let core: ConsoleCore;
  let counted: ReturnType<typeof countingCore>;
  let host: WebHost;
  let cookie = '';
  const bridges: WebBridge[] = [];

  beforeAll(async () => {
    core = new ConsoleCore({ userDataDir: tempDir('webhost'), shell: 'web', version: 'test' });
    must(await core.start());
    counted = countingCore(core);
    host = await startWebHost({ core: counted, rendererDir: tempDir('no-renderer') });
  });
  afterAll(async () => {
    for (const b of bridges) b.close();
    await host?.close();
    await core?.close();
  });

  const get = (p: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: host.port, path: p, method: 'GET', headers: { host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });

  const connect = (headers: Record<string, string>, p = '/bridge'): Promise<{ ws: WebSocket; first: Promise<unknown[]> } | { status: number }> =>
    new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}${p}`, { headers });
      const got: unknown[] = [];
      ws.on('message', (d) => got.push(JSON.parse(String(d))));
      ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }));
      ws.on('error', () => undefined);
      ws.on('open', () => resolve({ ws, first: waitUntil(() => (got.length >= 3 ? got : undefined), 'initial events', 5_000) }));
    });

  it('every page needs the session: without it 403, with a wrong token 403, with the token once a cookie', async () => {
    const token = new URL(host.sessionUrl).searchParams.get('session') as string;
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect((await get('/')).status).toBe(403);
    expect((await get('/?session=wrong')).status).toBe(403);
    expect((await get('/', { host: `evil.test:${host.port}` })).status).toBe(421); // DNS rebinding

    const first = await get(`/?session=${token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    cookie = setCookie.split(';')[0] as string;
    expect(first.headers['content-security-policy']).toMatch(/script-src 'self';/);
    expect(first.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(first.headers['referrer-policy']).toBe('no-referrer');

    // The token is spent: another browser (no cookie) cannot use it; this one can reload.
    expect((await get(`/?session=${token}`)).status).toBe(403);
    expect((await get(`/?session=${token}`, { cookie })).status).toBe(303);
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('npm run build'); // no built renderer in this folder
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    for (const p of ['/../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%00index.html'])
      expect((await get(p, { cookie })).body).not.toContain('"devDependencies"');

    // With a built renderer: its files, with their types and the CSP.
    const built = tempDir('renderer');
    fs.mkdirSync(path.join(built, 'assets'));
    fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>ui</title>');
    fs.writeFileSync(path.join(built, 'assets', 'app.js'), 'console.log(1)');
    const h2 = await startWebHost({ core: counted, rendererDir: built });
    try {
      const t2 = new URL(h2.sessionUrl).searchParams.get('session') as string;
      const r = await fetch(h2.sessionUrl, { redirect: 'manual' });
      expect(r.status).toBe(303);
      const c2 = (r.headers.get('set-cookie') ?? '').split(';')[0] as string;
      expect(c2).toMatch(new RegExp(`^stagecall_console_${h2.port}=`));
      const js = await fetch(`${h2.url}/assets/app.js`, { headers: { cookie: c2 } });
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
      const html = await fetch(`${h2.url}/some/client/route`, { headers: { cookie: c2 } });
      expect(await html.text()).toContain('<title>ui</title>');
      expect(html.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${h2.port}`);
      expect((await fetch(`${h2.url}/assets/missing.js`, { headers: { cookie: c2 } })).status).toBe(404);
      expect((await fetch(`${h2.url}/`, { method: 'POST', headers: { cookie: c2 } })).status).toBe(405);
      expect((await fetch(`${h2.url}/?session=${t2}`, { redirect: 'manual' })).status).toBe(403);
    } finally {
      await h2.close();
    }
  });

  it('the bridge socket needs the cookie and this host as Origin', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    expect(await connect({ origin })).toEqual({ status: 401 });
    expect(await connect({ origin: 'http://evil.test', cookie })).toEqual({ status: 403 });
    expect(await connect({ cookie })).toEqual({ status: 403 });
    expect(await connect({ origin: `http://127.0.0.1:${host.port + 1}`, cookie })).toEqual({ status: 403 });
    expect(await connect({ origin, cookie: `${cookie}x` })).toEqual({ status: 401 });
    expect(await connect({ origin, cookie }, '/other')).toEqual({ status: 404 });

    const ok = await connect({ origin, cookie });
    if (!('ws' in ok)) throw new Error(`refused: ${ok.status}`);
    const initial = (await ok.first) as Array<{ event: string }>;
    expect(initial.map((e) => e.event)).toEqual(expect.arrayContaining(['status', 'session', 'rehearsal']));
    expect(initial.every((e) => EVENT_NAMES.includes(e.event as never))).toBe(true);
    ok.ws.close();
  });

  it('over the bridge, bad requests get error values and never reach the core; good ones do', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    const c = await connect({ origin, cookie });
    if (!('ws' in c)) throw new Error('refused');
    await c.first;
    const replies: Array<{ id: unknown; result: { ok: boolean; error?: { code: string } } }> = [];
    c.ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as { id?: unknown; result?: { ok: boolean } };
      if ('result' in m) replies.push(m as never);
    });
    const before = counted.calls.length;
    BAD.forEach(([name, payload], i) => c.ws.send(JSON.stringify({ id: i + 1, name, payload })));
    c.ws.send('not json');
    c.ws.send(JSON.stringify({ name: 'app/info', payload: {} })); // no id
    await waitUntil(() => replies.length === BAD.length + 2, 'replies', 5_000);
    expect(counted.calls.length).toBe(before);
    for (const [i, [, , code]] of BAD.entries()) expect(replies.find((r) => r.id === i + 1)?.result).toMatchObject({ ok: false, error: { code } });
    expect(replies.filter((r) => r.id === null)).toHaveLength(2);

    c.ws.send(JSON.stringify({ id: 'x1', name: 'app/info', payload: {} }));
    await waitUntil(() => replies.find((r) => r.id === 'x1'), 'app/info reply', 5_000);
    expect(replies.find((r) => r.id === 'x1')?.result).toEqual({ ok: true, value: { version: 'test', shell: 'web', platform: process.platform } });
    expect(counted.calls.slice(before)).toEqual(['app/info']);
    c.ws.close();
  });

  it('the browser bridge: requests resolve with Results, events arrive, a dropped socket reconnects', async () => {
    const origin = `http://127.0.0.1:${host.port}`;
    const sockets: WebSocket[] = [];
    const bridge = createWebBridge({
      url: `ws://127.0.0.1:${host.port}/bridge`,
      createSocket: (u) => {
        const ws = new WebSocket(u, { headers: { origin, cookie } });
        sockets.push(ws);
        return ws as unknown as BridgeSocket;
      },
      backoff: { baseMs: 50, capMs: 200 },
    });
    bridges.push(bridge);
    const sessions: SessionInfo[] = [];
    const off = bridge.on('session', (s) => sessions.push(s));

    expect(await bridge.request('app/info', {})).toMatchObject({ ok: true, value: { shell: 'web' } });
    expect(await bridge.request('publish', { name: 'poll.open', data: { pollId: 'p' } })).toMatchObject({ ok: false, error: { code: 'not_connected' } });
    expect(await bridge.request('nope' as 'app/info', {})).toMatchObject({ ok: false, error: { code: 'unknown_request' } });
    await waitUntil(() => sessions.length > 0, 'the initial session event', 5_000);

    const n = sessions.length;
    must(await bridge.request('session/setHubUrls', { hubUrls: ['http://127.0.0.1:9'] }));
    await waitUntil(() => sessions.length > n, 'a session event', 5_000);
    expect(sessions.at(-1)?.hubUrls).toEqual(['http://127.0.0.1:9']);

    sockets[0]?.terminate();
    await waitUntil(() => sockets.length >= 2 && bridge.connected, 'the bridge to reconnect', 5_000);
    expect(await bridge.request('session/get', {})).toMatchObject({ ok: true, value: { hubUrls: ['http://127.0.0.1:9'] } });
    off();
  });
});

describe('browser bridge failure modes', () => {
  let server: WebSocketServer;
  let port = 0;
  beforeAll(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => server.once('listening', () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const c of server.clients) c.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a console that never answers: the request resolves `unavailable` after its timeout; a lost answer is not resent', async () => {
    const received: string[] = [];
    server.on('connection', (ws) => ws.on('message', (d) => received.push(String(d))));
    const bridge = createWebBridge({ url: `ws://127.0.0.1:${port}`, timeoutMs: 300, createSocket: (u) => new WebSocket(u) as unknown as BridgeSocket, backoff: { baseMs: 20, capMs: 50 } });
    const t0 = Date.now();
    expect(await bridge.request('app/info', {})).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('did not answer') } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);

    const pending = bridge.request('publish', { name: 'poll.open', data: { pollId: 'p' } });
    await waitUntil(() => received.length === 2, 'the publish on the wire', 2_000);
    for (const c of server.clients) c.terminate();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringContaining('check the outbox') } });
    await waitUntil(() => bridge.connected, 'reconnected', 2_000);
    expect(received.filter((r) => r.includes('publish'))).toHaveLength(1);
    bridge.close();
    expect(await bridge.request('app/info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('the post-event report outlives the usual timeout (it reads the whole log) and still gets its answer', async () => {
    let asked: { ws: WebSocket; id: number } | null = null;
    server.on('connection', (ws) =>
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as { id: number; name: string };
        if (m.name === 'report/build') asked = { ws, id: m.id };
      }),
    );
    const bridge = createWebBridge({ url: `ws://127.0.0.1:${port}`, timeoutMs: 300, createSocket: (u) => new WebSocket(u) as unknown as BridgeSocket, backoff: { baseMs: 20, capMs: 50 } });
    let settled = false;
    const report = bridge.request('report/build', {}).then((r) => ((settled = true), r));
    // An ordinary request sent after it times out; the report is still waiting.
    expect(await bridge.request('app/info', {})).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(settled).toBe(false);
    const q = await waitUntil(() => asked ?? undefined, 'the report request on the wire', 2_000);
    q.ws.send(JSON.stringify({ id: q.id, result: { ok: true, value: { report: null, files: [], htmlFilename: 'r.html' } } }));
    expect(await report).toMatchObject({ ok: true, value: { htmlFilename: 'r.html' } });
    bridge.close();
  });
});
