/** PROTOCOL.md section 2: events, tokens, join, health, metrics. */
import type http from 'node:http';
import { z } from 'zod';
import { StaffRole } from '../../shared/protocol';
import type { TokenAuthority } from '../auth';
import type { Engine, EventTrouble } from '../engine/engine';
import { isEngineError } from '../engine/engine-error';
import { newClientId, newEventId, newJoinCode, normaliseJoinCode } from '../ids';
import { KeyedLimiter } from '../rate-limit';
import { HttpError, bearer, readBody, remoteAddress, sendJson } from './json';

const CreateEventBody = z.object({ title: z.string().trim().min(1).max(200) });
const TokenBody = z.object({ eventId: z.string().min(1).max(64), role: StaffRole, name: z.string().trim().min(1).max(60) });
/** The body is optional: an empty POST drains over the hub's --drain-seconds. */
const DrainBody = z.object({ drainSeconds: z.number().min(0).max(3600).optional() }).strict().nullable();
/** P32: whose tokens to refuse from now on. */
const RevokeBody = z.object({ eventId: z.string().min(1).max(64), clientId: z.string().min(1).max(64) }).strict();
const JoinBody = z.object({
  code: z.string().min(1).max(20),
  name: z.string().trim().max(40).optional(),
  /** P30: where this person watches from; kept in the token as claim `wat`. */
  watching: z.enum(['room', 'stream']).default('room'),
});

export const STAFF_TOKEN_TTL_SEC = 7 * 24 * 3600;
export const AUDIENCE_TOKEN_TTL_SEC = 24 * 3600;
/** P32: a revocation lapses once every token it can refuse has expired: the longest lifetime. */
export const REVOCATION_TTL_MS = Math.max(STAFF_TOKEN_TTL_SEC, AUDIENCE_TOKEN_TTL_SEC) * 1000;

export interface ApiDeps {
  engine: Engine;
  tokens: TokenAuthority;
  node: string;
  startedAt: number;
  /** Joins per second per remote address (burst 4x). */
  joinRatePerSec?: number;
  metricsText(): Promise<{ contentType: string; body: string }>;
  isDraining(): boolean;
  /** Starts the node's drain (P31) and says what it will close. */
  drain(seconds?: number): { connections: number; drainSeconds: number; alreadyDraining: boolean };
  /** P30: the event's current stream delay, so the phone knows whether to ask "room or stream". */
  streamDelayOf(eventId: string): Promise<number>;
  /** Issue 11 item 8: the cluster's public origins (protocol-notes.md note 48). */
  publicUrls: readonly string[];
}

export class HubApi {
  private readonly joinLimiter: KeyedLimiter;

  constructor(private readonly deps: ApiDeps) {
    // P6: join is rate limited per remote address; a venue behind one NAT still joins in a burst.
    const perSec = deps.joinRatePerSec ?? 50;
    this.joinLimiter = new KeyedLimiter(perSec, perSec * 4);
  }

  /** Returns false when no route matched. Throws HttpError for client errors. */
  async handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<boolean> {
    // HEAD is GET without the body (Node drops it): load balancers probe health with either.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    if (path === '/v1/health' && method === 'GET') {
      if (this.deps.isDraining()) {
        sendJson(res, 503, { status: 'draining', node: this.deps.node, uptimeS: Math.round((Date.now() - this.deps.startedAt) / 1000) });
        return true;
      }
      // The node serves (status ok) even when some events cannot: those are listed by name and reason.
      const troubles: EventTrouble[] = this.deps.engine.troubles?.() ?? [];
      sendJson(res, 200, { status: 'ok', node: this.deps.node, uptimeS: Math.round((Date.now() - this.deps.startedAt) / 1000), events: { unserved: troubles } });
      return true;
    }
    if (path === '/metrics' && method === 'GET') {
      const m = await this.deps.metricsText();
      res.writeHead(200, { 'content-type': m.contentType });
      res.end(m.body);
      return true;
    }
    if (path === '/v1/events' && method === 'POST') return this.createEvent(req, res);
    if (path === '/v1/tokens' && method === 'POST') return this.issueToken(req, res);
    if (path === '/v1/join' && method === 'POST') return this.join(req, res);
    if (path === '/v1/admin/drain' && method === 'POST') return this.drain(req, res);
    if (path === '/v1/revoke' && method === 'POST') return this.revoke(req, res);
    if (path === '/v1/hubs' && method === 'GET') {
      sendJson(res, 200, { hubs: this.deps.publicUrls });
      return true;
    }
    if (['/v1/events', '/v1/tokens', '/v1/join', '/v1/health', '/metrics', '/v1/admin/drain', '/v1/revoke', '/v1/hubs'].includes(path))
      throw new HttpError(405, 'method_not_allowed', `${req.method ?? 'GET'} is not allowed on ${path}`);
    return false;
  }

  private requireAdmin(req: http.IncomingMessage): void {
    if (!this.deps.tokens.isAdmin(bearer(req))) throw new HttpError(401, 'unauthorized', 'send the admin key as Authorization: Bearer <key>');
  }

  private async createEvent(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    this.requireAdmin(req);
    const body = await readBody(req, CreateEventBody);
    let joinCode = newJoinCode();
    for (let i = 0; (await this.deps.engine.findEventByCode(joinCode)) && i < 20; i++) joinCode = newJoinCode();
    const eventId = newEventId();
    await this.deps.engine.createEvent({ eventId, title: body.title, joinCode, createdAt: Date.now() });
    sendJson(res, 201, { eventId, joinCode });
    return true;
  }

  private async issueToken(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    this.requireAdmin(req);
    const body = await readBody(req, TokenBody);
    if (!(await this.deps.engine.getEvent(body.eventId))) throw new HttpError(404, 'not_found', `no event ${body.eventId}`);
    const clientId = newClientId(body.role.slice(0, 4));
    const t = await this.deps.tokens.issue({ clientId, eventId: body.eventId, role: body.role, name: body.name }, STAFF_TOKEN_TTL_SEC);
    sendJson(res, 200, { token: t.token, clientId, expiresAt: t.expiresAt });
    return true;
  }

  /** P32: stored (durable) before the answer; every node then closes the client's live connections. */
  private async revoke(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    this.requireAdmin(req);
    const body = await readBody(req, RevokeBody);
    if (!(await this.deps.engine.getEvent(body.eventId))) throw new HttpError(404, 'not_found', `no event ${body.eventId}`);
    const until = Date.now() + REVOCATION_TTL_MS;
    try {
      await this.deps.engine.revoke({ eventId: body.eventId, clientId: body.clientId, until });
    } catch (err) {
      if (isEngineError(err, 'unavailable') || isEngineError(err, 'io_failed'))
        throw new HttpError(503, 'unavailable', `the revocation could not be stored (${err.message}); nothing was revoked, send it again`);
      throw err;
    }
    sendJson(res, 200, { eventId: body.eventId, clientId: body.clientId, revokedUntil: until });
    return true;
  }

  private async drain(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    this.requireAdmin(req);
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    const body = hasBody ? await readBody(req, DrainBody) : null;
    const started = this.deps.drain(body?.drainSeconds);
    sendJson(res, 202, { status: 'draining', node: this.deps.node, ...started });
    return true;
  }

  private async join(req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
    if (!this.joinLimiter.take(remoteAddress(req), Date.now())) throw new HttpError(429, 'rate_limited', 'too many joins from this address; try again in a moment');
    const body = await readBody(req, JoinBody);
    const event = await this.deps.engine.findEventByCode(normaliseJoinCode(body.code));
    if (!event) throw new HttpError(404, 'not_found', 'no event has this code');
    const clientId = newClientId('aud');
    const name = body.name ? body.name : null;
    const t = await this.deps.tokens.issue({ clientId, eventId: event.eventId, role: 'audience', name, watching: body.watching }, AUDIENCE_TOKEN_TTL_SEC);
    const streamDelayMs = await this.deps.streamDelayOf(event.eventId);
    sendJson(res, 200, { token: t.token, clientId, eventId: event.eventId, title: event.title, expiresAt: t.expiresAt, watching: body.watching, streamDelayMs, hubs: this.deps.publicUrls });
    return true;
  }
}
