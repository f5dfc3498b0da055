/**
 * Parsing an HTTP request target (`req.url`) that anyone can send, for every server we run (the
 * hub and the console's web host, their requests and upgrades). Never throws: whatever Node's
 * own parser let through comes back as a value, a 400 with a clear message for bad input
 * (docs/security.md). `new URL(req.url, base)` alone throws on `//[` and reads `//host/x` as
 * a host; `decodeURIComponent` throws on `%E0%A4%A`.
 */

export type RequestTarget =
  | {
      ok: true;
      /** Dot segments resolved, still percent-encoded: compare routes with this. */
      pathname: string;
      /** `pathname` percent-decoded (known to decode); never contains NUL. */
      decodedPath: string;
      query: URLSearchParams;
    }
  | { ok: false; status: 400; code: 'bad_request'; message: string };

const bad = (message: string): RequestTarget => ({ ok: false, status: 400, code: 'bad_request', message });

const decodes = (s: string): string | null => {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
};

export function parseRequestTarget(raw: string | undefined): RequestTarget {
  const target = raw ?? '/';
  let url: URL;
  try {
    if (target.startsWith('/')) url = new URL(`http://request.invalid${target}`); // origin-form: never an authority
    else if (/^https?:\/\//i.test(target)) url = new URL(target); // absolute-form (proxies)
    else return bad('the request target must be a path starting with /');
  } catch {
    return bad('the request target is not a valid URL path');
  }
  const decodedPath = decodes(url.pathname);
  if (decodedPath === null) return bad('the path has malformed percent-encoding');
  if (decodedPath.includes('\0')) return bad('the path contains a NUL byte');
  const search = url.search.slice(1);
  if (search) for (const part of search.split('&')) if (decodes(part.replace(/\+/g, ' ')) === null) return bad('the query has malformed percent-encoding');
  return { ok: true, pathname: url.pathname, decodedPath, query: url.searchParams };
}

/** PROTOCOL.md section 2's error body, `{"error":{"code","message"}}`. */
export const httpErrorBody = (t: { code: string; message: string }): string => JSON.stringify({ error: { code: t.code, message: t.message } });

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  503: 'Service Unavailable',
};

/** A whole HTTP/1.1 error response with a JSON body, for writing to a raw socket (refused upgrades, parse errors). */
export function upgradeRefusal(status: number, error: { code: string; message: string }): string {
  const body = httpErrorBody(error);
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${new TextEncoder().encode(body).length}\r\n\r\n${body}`;
}

/** What `answerClientError` needs of a raw socket. */
export interface RawSocket {
  readonly writable: boolean;
  end(text: string): void;
  destroy(): void;
}

/**
 * A server's `clientError` handler (a request Node's own parser refused): a JSON error, like
 * every other refusal, or just a destroy when the peer is already gone.
 */
export function answerClientError(err: { code?: string }, socket: RawSocket): void {
  if (!socket.writable || err.code === 'ECONNRESET' || err.code === 'EPIPE') return socket.destroy();
  if (err.code === 'HPE_HEADER_OVERFLOW') return socket.end(upgradeRefusal(431, { code: 'headers_too_large', message: 'the request headers are too large' }));
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return socket.end(upgradeRefusal(408, { code: 'timeout', message: 'the request took too long to arrive' }));
  socket.end(upgradeRefusal(400, { code: 'bad_request', message: 'the request is not valid HTTP/1.1' }));
}
