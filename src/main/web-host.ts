/**
 * The web host: the console's UI in any browser on this machine, talking to the same
 * ConsoleCore over a local WebSocket instead of Electron IPC.
 *
 * Who may drive the console: whoever opens the printed URL first. Its one-time `session`
 * token is exchanged on first load for an HttpOnly SameSite=Strict cookie (so reloads and
 * more tabs of that browser work) and is dead afterwards: another browser presenting it
 * gets 403. Every HTTP request and the `/bridge` upgrade need the cookie; the upgrade also
 * needs an Origin of this very host, and every request names a Host of 127.0.0.1 or
 * localhost on our port (a DNS-rebinding page cannot reach us). Bridge messages:
 * `{id, name, payload}` → `{id, result}`; events `{event, payload}`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import { EVENT_NAMES } from '../shared/console-api';
import { CLIENT_JSON_BOUNDS, checkJsonBounds } from '../shared/protocol';
import { answerClientError, httpErrorBody, parseRequestTarget, upgradeRefusal } from '../shared/request-target';
import { dispatchRequest, type BridgeCore } from './bridge-dispatch';
import { rendererCsp } from './renderer-csp';
import { contentTypeOf, resolveRendererFile } from './renderer-files';

export type { BridgeCore };

export interface WebHostOptions {
  core: BridgeCore;
  /** 0 (default): any free port. */
  port?: number;
  /** The built renderer; default out/renderer in the project. */
  rendererDir?: string;
}

export interface WebHost {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** The URL to print: with the one-time session token. */
  readonly sessionUrl: string;
  /** Open bridge sockets. */
  readonly clients: number;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;
/** A renderer that stops reading for this much queued output is dropped; it reconnects and gets fresh state. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const DEFAULT_RENDERER_DIR = path.join(__dirname, '..', '..', 'out', 'renderer');

const secret = (): string => crypto.randomBytes(32).toString('base64url');
const sameSecret = (a: string | undefined, b: string): boolean => {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
};

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A redirect back to this path on this host: `//evil.example` must not become a scheme-relative URL. */
const samePath = (pathname: string): string => `/${pathname.replace(/^\/+/, '')}`;

const NOT_BUILT = `<!doctype html><html><head><meta charset="utf-8"><title>Stagecall console</title></head>
<body style="font-family:system-ui,sans-serif;margin:3rem;max-width:40rem">
<h1>Stagecall console</h1><p>The console's user interface is not built yet. Run <code>npm run build</code>,
then reload this page. (The console itself is running: actions and the connection work.)</p></body></html>`;

const page = (title: string, text: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;margin:3rem;max-width:40rem"><h1>${title}</h1><p>${text}</p></body></html>`;

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const core = opts.core;
  const rendererDir = path.resolve(opts.rendererDir ?? DEFAULT_RENDERER_DIR);
  const oneTimeToken = secret();
  const cookieSecret = secret();
  let redeemed = false;
  let port = 0;
  const sockets = new Set<WebSocket>();

  const cookieName = (): string => `stagecall_console_${port}`; // cookies ignore ports: one name per host
  const hostOk = (req: http.IncomingMessage): boolean => req.headers.host === `127.0.0.1:${port}` || req.headers.host === `localhost:${port}`;
  const hasCookie = (req: http.IncomingMessage): boolean => sameSecret(cookieValue(req.headers.cookie, cookieName()), cookieSecret);

  const securityHeaders = (): Record<string, string> => ({
    'content-security-policy': rendererCsp({ connectSrc: [`ws://127.0.0.1:${port}`, `ws://localhost:${port}`] }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  });

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void => {
    res.writeHead(status, { ...securityHeaders(), 'content-type': type, 'content-length': String(Buffer.byteLength(body)), 'cache-control': 'no-store', ...extra });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    if (!hostOk(req)) return send(res, 421, 'text/plain; charset=utf-8', 'wrong Host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
    const target = parseRequestTarget(req.url);
    if (!target.ok) return send(res, target.status, 'application/json; charset=utf-8', httpErrorBody(target));
    const presented = target.query.get('session');
    if (presented !== null) {
      if (!redeemed && sameSecret(presented, oneTimeToken)) {
        redeemed = true;
        res.setHeader('set-cookie', `${cookieName()}=${cookieSecret}; HttpOnly; SameSite=Strict; Path=/`);
        return send(res, 303, 'text/plain; charset=utf-8', 'signed in\n', { location: samePath(target.pathname) });
      }
      // A reload of the printed URL in the browser that redeemed it still works.
      if (hasCookie(req)) return send(res, 303, 'text/plain; charset=utf-8', 'ok\n', { location: samePath(target.pathname) });
      return send(res, 403, 'text/html; charset=utf-8', page('Link already used', 'This console link was already opened in another browser. Restart the console to get a new link.'));
    }
    if (!hasCookie(req)) return send(res, 403, 'text/html; charset=utf-8', page('Open the console link', 'Open the <code>Console ready:</code> URL the console printed (it carries a one-time session token).'));
    const file = resolveRendererFile(rendererDir, target.pathname);
    if (!file) {
      if (!fs.existsSync(path.join(rendererDir, 'index.html'))) return send(res, 200, 'text/html; charset=utf-8', NOT_BUILT);
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
    fs.readFile(file, (err, body) => {
      if (err) return send(res, 500, 'text/plain; charset=utf-8', 'could not read the file\n');
      const html = file.endsWith('.html');
      send(res, 200, contentTypeOf(file), req.method === 'HEAD' ? '' : body, { 'cache-control': html ? 'no-store' : 'no-cache' });
    });
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket) => answerClientError(err, socket));

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });

  const refuse = (socket: Duplex, status: number, code: string, message: string): void => void socket.end(upgradeRefusal(status, { code, message }));

  server.on('upgrade', (req, socket, head) => {
    // Node hands the raw socket over without an error listener: a peer reset must not crash us.
    socket.on('error', () => socket.destroy());
    const target = parseRequestTarget(req.url);
    if (!target.ok) return refuse(socket, 400, target.code, target.message);
    if (target.pathname !== '/bridge') return refuse(socket, 404, 'not_found', 'the bridge is at /bridge');
    const origin = req.headers.origin;
    if (!hostOk(req) || (origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`)) return refuse(socket, 403, 'forbidden', 'wrong Host or Origin');
    if (!hasCookie(req)) return refuse(socket, 401, 'unauthorized', 'open the console link first');
    wss.handleUpgrade(req, socket, head, (ws) => onBridge(ws));
  });

  const write = (ws: WebSocket, text: string): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'too far behind; reconnect');
      return;
    }
    ws.send(text);
  };

  function onBridge(ws: WebSocket): void {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.on('error', () => undefined);
    for (const e of core.initialEvents?.() ?? []) write(ws, JSON.stringify(e));
    ws.on('message', (data, isBinary) => {
      let msg: unknown;
      try {
        msg = isBinary ? null : JSON.parse(data.toString());
      } catch {
        msg = null;
      }
      // Bounded before zod or the core recurse into it, like every hub frame (json-bounds.ts).
      if (checkJsonBounds(msg, CLIENT_JSON_BOUNDS)) msg = null;
      const m = typeof msg === 'object' && msg !== null ? (msg as Record<string, unknown>) : null;
      const id = m && (typeof m.id === 'number' || (typeof m.id === 'string' && m.id.length <= 64)) ? m.id : null;
      if (!m || id === null) {
        write(ws, JSON.stringify({ id: null, result: { ok: false, error: { code: 'invalid', message: 'a bridge message is {id, name, payload}' } } }));
        return;
      }
      void dispatchRequest(core, m.name, m.payload)
        .then((result) => write(ws, JSON.stringify({ id, result })))
        .catch((err: unknown) => write(ws, JSON.stringify({ id, result: { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } } })));
    });
  }

  const unsubscribe = EVENT_NAMES.map((event) =>
    core.on(event, (payload: unknown) => {
      if (sockets.size === 0) return;
      const text = JSON.stringify({ event, payload });
      for (const ws of sockets) write(ws, text);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    sessionUrl: `${url}/?session=${oneTimeToken}`,
    get clients() {
      return sockets.size;
    },
    close: async () => {
      for (const off of unsubscribe) off();
      for (const ws of sockets) ws.close(1001, 'console shutting down');
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
