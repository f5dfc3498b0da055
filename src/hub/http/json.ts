/** JSON bodies in and out, with PROTOCOL.md section 2's error shape. */
import type http from 'node:http';
import type { z } from 'zod';
import { CLIENT_JSON_BOUNDS, checkJsonBounds, summariseIssues } from '../../shared/protocol';

export const MAX_BODY_BYTES = 64 * 1024;

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export const sendError = (res: http.ServerResponse, err: HttpError): void =>
  sendJson(res, err.status, { error: { code: err.code, message: err.message } });

/** Reads and validates a JSON body; every failure is an HttpError with a clear code. */
export async function readBody<T>(req: http.IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const type = req.headers['content-type'] ?? '';
  if (!type.includes('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      const buf = chunk as Buffer;
      size += buf.length;
      if (size > MAX_BODY_BYTES) throw new HttpError(413, 'too_large', `body exceeds ${MAX_BODY_BYTES} bytes`);
      chunks.push(buf);
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'aborted', 'the request body was cut off'); // the peer went away mid-body
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new HttpError(400, 'malformed', 'body is not valid JSON');
  }
  const over = checkJsonBounds(value, CLIENT_JSON_BOUNDS);
  if (over) throw new HttpError(over.kind === 'depth' ? 400 : 413, over.kind === 'depth' ? 'invalid' : 'too_large', `body: ${over.message}`);
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'invalid', summariseIssues(parsed.error));
  return parsed.data;
}

export const bearer = (req: http.IncomingMessage): string | undefined => {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
};

export const remoteAddress = (req: http.IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';
