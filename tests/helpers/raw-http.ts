/**
 * HTTP/1.1 written by hand on a TCP socket: request targets and headers that fetch() and
 * `ws` would normalise or refuse to send, as an attacker (or an <img src> on any page) sends them.
 */
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const WS_UPGRADE_HEADERS = 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13';

/** Sends `head` (request line + headers, without the blank line) and `body`; resolves with the first response. */
export function rawRequest(port: number, head: string, body: string | Buffer = '', timeoutMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response to ${JSON.stringify(head.slice(0, 80))}; got ${JSON.stringify(data.toString().slice(0, 200))}`));
    }, timeoutMs);
    const tryParse = (final: boolean): void => {
      const text = data.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (final) {
          clearTimeout(timer);
          reject(new Error(`connection closed without a response to ${JSON.stringify(head.slice(0, 80))}`));
        }
        return;
      }
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = text.slice(end + 4);
      const status = Number(statusLine.split(' ')[1]);
      // A completed upgrade, and the answer to HEAD, have no body: the status line and headers are all.
      if (status === 101 || head.startsWith('HEAD ')) {
        clearTimeout(timer);
        socket.destroy();
        return resolve({ status, headers, body: '' });
      }
      const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : undefined;
      if (len === undefined ? !final : Buffer.byteLength(rest) < len) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status, headers, body: len === undefined ? rest : rest.slice(0, len) });
    };
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('error', () => tryParse(true));
    const close = /\r\nconnection:/i.test(head) ? '' : '\r\nConnection: close';
    socket.write(Buffer.concat([Buffer.from(`${head}${close}\r\n\r\n`), typeof body === 'string' ? Buffer.from(body) : body]));
  });
}

/** Opens a socket, writes `text`, and resets the connection at once (RST), before any answer. */
export function resetAfterWrite(port: number, text: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(text, () => {
        socket.resetAndDestroy();
        resolve();
      });
    });
    socket.on('error', () => resolve());
  });
}

export interface Conversation {
  /** Each response's status, in order, as far as they could be framed (a chunked body ends the count). */
  statuses: number[];
  /** The first response's body (a JSON error, usually), for failure messages. */
  firstBody: string;
  /**
   * The hub reset the connection: it closed while we were still writing (after refusing the
   * request, say), and TCP then discards whatever answer we had not read yet.
   */
  reset: boolean;
}

/**
 * Writes `bytes` (several pipelined requests, or a cut-off one), in pieces of `chunk` bytes if
 * given, optionally half-closes, and reads until the hub closes the connection.
 */
export function rawConversation(port: number, bytes: Buffer, opts: { methods?: string[]; chunk?: number; end?: boolean; timeoutMs?: number } = {}): Promise<Conversation> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the hub neither answered nor closed; got ${JSON.stringify(data.toString('latin1').slice(0, 300))}`));
    }, opts.timeoutMs ?? 30_000);
    let reset = false;
    socket.on('data', (d: Buffer) => (data = Buffer.concat([data, d])));
    socket.on('error', (err: NodeJS.ErrnoException) => (reset ||= err.code === 'ECONNRESET' || err.code === 'EPIPE'));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...frameResponses(data, opts.methods ?? []), reset });
    });
    const step = opts.chunk ?? bytes.length;
    const writeFrom = (at: number): void => {
      if (socket.destroyed) return;
      if (at >= bytes.length) return void (opts.end ? socket.end() : undefined);
      socket.write(bytes.subarray(at, at + step), () => setImmediate(() => writeFrom(at + step)));
    };
    socket.once('connect', () => writeFrom(0));
  });
}

/** Splits a byte stream of HTTP/1.1 responses by their Content-Length (none after HEAD or a 1xx). */
function frameResponses(data: Buffer, methods: readonly string[]): Omit<Conversation, 'reset'> {
  const statuses: number[] = [];
  let firstBody = '';
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine = '', ...lines] = data.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(statusLine.split(' ')[1]);
    statuses.push(status);
    const header = (name: string): string | undefined => lines.find((l) => l.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
    if (header('transfer-encoding') || status === 101) break;
    const informational = status < 200;
    const len = informational || methods[statuses.filter((x) => x >= 200).length - 1] === 'HEAD' ? 0 : Number(header('content-length') ?? 0);
    if (statuses.length === 1) firstBody = data.subarray(end + 4, end + 4 + len).toString('utf8');
    at = end + 4 + len;
  }
  return { statuses, firstBody };
}
