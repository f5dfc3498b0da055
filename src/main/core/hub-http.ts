/**
 * The hub's HTTP API as the console uses it (PROTOCOL.md section 2): create an event,
 * issue staff tokens and revoke them (P32) with the admin key. Tries each hub URL in order until one answers;
 * failures become CoreErrors with the hub's own message.
 */
import { z } from 'zod';
import { StaffRole } from '../../shared/protocol';
import { CoreError } from './core-errors';

const TIMEOUT_MS = 10_000;

/** `ws://h/v1/ws` or `http://h/` → `http://h` (the REST base of a hub URL). */
export function httpBase(hubUrl: string): string {
  const url = new URL(hubUrl);
  if (url.protocol === 'ws:') url.protocol = 'http:';
  else if (url.protocol === 'wss:') url.protocol = 'https:';
  else if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CoreError('invalid', `a hub URL starts with http(s):// or ws(s)://, got ${hubUrl}`);
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1\/ws$/, '');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

const HubErrorBody = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional() }).optional(), message: z.string().optional() }).loose();

async function post<T>(hubUrls: readonly string[], path: string, body: unknown, schema: z.ZodType<T>, adminKey: string): Promise<T & { hubUrl: string }> {
  let lastNetworkError = 'no hub URL given';
  for (const hubUrl of hubUrls) {
    const base = httpBase(hubUrl);
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      lastNetworkError = `${base}: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
      continue; // next hub
    }
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: reported below with the status
    }
    if (res.ok) {
      const parsed = schema.safeParse(json);
      if (!parsed.success) throw new CoreError('internal', `${base}${path} answered something unexpected`);
      return { ...parsed.data, hubUrl: base };
    }
    const e = HubErrorBody.safeParse(json);
    const message = (e.success ? (e.data.error?.message ?? e.data.message) : undefined) ?? `HTTP ${res.status}`;
    if (res.status === 401) throw new CoreError('unauthorized', `the hub refused the admin key (${message})`);
    if (res.status === 403) throw new CoreError('forbidden', message);
    if (res.status === 404) throw new CoreError('not_found', message);
    if (res.status >= 400 && res.status < 500) throw new CoreError('invalid', message);
    lastNetworkError = `${base}: ${message}`; // 5xx: another node may do better
  }
  throw new CoreError('unavailable', `no hub answered: ${lastNetworkError}`);
}

const Created = z.object({ eventId: z.string().min(1), joinCode: z.string().min(1) });
const Issued = z.object({ token: z.string().min(1), clientId: z.string().min(1), expiresAt: z.number() });

export const createEvent = (hubUrls: readonly string[], adminKey: string, title: string): Promise<z.infer<typeof Created> & { hubUrl: string }> =>
  post(hubUrls, '/v1/events', { title }, Created, adminKey);

export const issueStaffToken = (
  hubUrls: readonly string[],
  adminKey: string,
  eventId: string,
  role: StaffRole,
  name: string,
): Promise<z.infer<typeof Issued> & { hubUrl: string }> => post(hubUrls, '/v1/tokens', { eventId, role, name }, Issued, adminKey);

const Revoked = z.object({ eventId: z.string(), clientId: z.string(), revokedUntil: z.number() });

/** P32: the hub refuses this client's tokens from now on and closes its live connections. */
export const revokeClient = (hubUrls: readonly string[], adminKey: string, eventId: string, clientId: string): Promise<z.infer<typeof Revoked> & { hubUrl: string }> =>
  post(hubUrls, '/v1/revoke', { eventId, clientId }, Revoked, adminKey);
