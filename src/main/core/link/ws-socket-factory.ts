/** The real socket: a `ws` client to `<hub>/v1/ws` (P1), adapted to the LinkSocket port. */
import WebSocket from 'ws';
import type { LinkSocket, LinkSocketHandlers, SocketFactory } from './ports';

/** A graceful close that the peer never answers (a dead network) is cut after this long. */
const CLOSE_GRACE_MS = 2_000;

/**
 * `http://h:1/base` → `ws://h:1/base/v1/ws`; `https` → `wss`; ws(s) URLs kept; a URL that
 * already ends in `/v1/ws` is used as is. Throws on a URL that is not http(s) or ws(s).
 */
export function hubSocketUrl(hubUrl: string): string {
  const url = new URL(hubUrl);
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol];
  if (!scheme) throw new Error(`hub URL must be http(s) or ws(s): ${hubUrl}`);
  url.protocol = scheme;
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = base.endsWith('/v1/ws') ? base : `${base}/v1/ws`;
  url.hash = '';
  return url.toString();
}

const rawToText = (data: WebSocket.RawData): string =>
  Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');

class WsLinkSocket implements LinkSocket {
  private handlers: LinkSocketHandlers | null = null;
  private readonly ws: WebSocket;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(url: string, protocol: string) {
    this.ws = new WebSocket(hubSocketUrl(url), protocol);
    this.ws.on('open', () => this.handlers?.open());
    this.ws.on('message', (data, isBinary) => {
      // P1: frames are text. A binary frame still proves the peer alive; as '' it fails validation upstream.
      this.handlers?.message(isBinary ? '' : rawToText(data));
    });
    this.ws.on('error', (err) => this.handlers?.error(err));
    this.ws.on('close', (code, reason) => {
      if (this.graceTimer) clearTimeout(this.graceTimer);
      this.handlers?.close(code, reason.toString('utf8'));
    });
  }

  listen(handlers: LinkSocketHandlers): void {
    this.handlers = handlers;
  }

  send(text: string): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(text);
  }

  close(code?: number, reason?: string): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    try {
      this.ws.close(code, reason);
    } catch {
      // An invalid close code: drop the connection instead.
      this.ws.terminate();
      return;
    }
    if (!this.graceTimer) {
      this.graceTimer = setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS);
      this.graceTimer.unref();
    }
  }
}

/** Throws (synchronously) only on a malformed hub URL; the Link counts that as a failed attempt. */
export const wsSocketFactory: SocketFactory = (url, protocol) => new WsLinkSocket(url, protocol);
