/**
 * POST /v1/join (P6) from a chosen source address. `fetch` cannot pick one, so this is
 * node:http(s) directly; one short-lived connection per join, as a phone would make.
 */
import http from 'node:http';
import https from 'node:https';

export interface Joined {
  token: string;
  clientId: string;
  eventId: string;
}

export type JoinResult = { ok: true; joined: Joined } | { ok: false; code: string; retryable: boolean; message: string };

export function join(hubUrl: string, code: string, name: string, localAddress: string | undefined, timeoutMs = 15_000): Promise<JoinResult> {
  const url = new URL('/v1/join', hubUrl);
  const body = JSON.stringify({ code, name });
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = lib.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        ...(localAddress ? { localAddress, family: 4 } : {}),
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => resolve({ ok: false, code: 'network', retryable: true, message: err.message }));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let json: unknown = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            /* not JSON: judged by status below */
          }
          if (status === 200 || status === 201) {
            const j = json as Partial<Joined> | null;
            if (j && typeof j.token === 'string' && typeof j.clientId === 'string' && typeof j.eventId === 'string')
              return resolve({ ok: true, joined: { token: j.token, clientId: j.clientId, eventId: j.eventId } });
            return resolve({ ok: false, code: 'bad_response', retryable: false, message: 'join answered without token' });
          }
          const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
          // 429 (rate limited) and 5xx are worth another try; 404 (unknown code) and other 4xx are not.
          resolve({ ok: false, code: err?.code ?? `http_${status}`, retryable: status === 429 || status >= 500, message: err?.message ?? `HTTP ${status}` });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('join timed out')));
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, code: err.code ?? 'network', retryable: true, message: err.message }));
    req.end(body);
  });
}
