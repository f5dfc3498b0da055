/**
 * Which hubs to talk to (issue 6, item 3): `?hubs=https://a.example,https://b.example`, tried in
 * turn; by default the origin that served the page. Only http(s)/ws(s) origins are accepted, so a
 * crafted link cannot point the page at javascript: or file: URLs.
 *
 * A token goes only where its own hub said it may (issue 11 item 8): `trustedEndpoints` keeps the
 * `?hubs=` entries that are the page's origin, the hub that issued the session, or a hub that hub
 * listed (`hubs` in its /v1/join answer); a crafted link cannot send a returning attendee's
 * token to anyone else. Joining sends no token, so the join form may try every `?hubs=` entry.
 */
export interface HubEndpoint {
  /** Base for HTTP calls, e.g. https://hub.example */
  http: string;
  /** The WebSocket endpoint, e.g. wss://hub.example/v1/ws */
  ws: string;
}

function endpointOf(raw: string, pageOrigin: string): HubEndpoint | null {
  let url: URL;
  try {
    url = new URL(raw.trim(), pageOrigin);
  } catch {
    return null;
  }
  const secure = url.protocol === 'https:' || url.protocol === 'wss:';
  if (!['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) return null;
  const host = url.host;
  return { http: `${secure ? 'https' : 'http'}://${host}`, ws: `${secure ? 'wss' : 'ws'}://${host}/v1/ws` };
}

export function hubEndpoints(search: string, pageOrigin: string): HubEndpoint[] {
  const list = new URLSearchParams(search).get('hubs');
  const out: HubEndpoint[] = [];
  for (const raw of (list ?? '').split(',')) {
    if (!raw.trim()) continue;
    const e = endpointOf(raw, pageOrigin);
    if (e && !out.some((o) => o.ws === e.ws)) out.push(e);
  }
  if (out.length === 0) {
    const own = endpointOf(pageOrigin, pageOrigin);
    if (own) out.push(own);
  }
  return out;
}

/** An endpoint's key: one per scheme and host. */
const keyOf = (e: HubEndpoint): string => e.ws;

/** The hubs a session's token may be sent to, from what its issuing hub said (http bases). */
export function sessionEndpoints(hubs: readonly string[], pageOrigin: string): HubEndpoint[] {
  const out: HubEndpoint[] = [];
  for (const h of hubs) {
    const e = endpointOf(h, pageOrigin);
    if (e && !out.some((o) => keyOf(o) === keyOf(e))) out.push(e);
  }
  return out;
}

/**
 * The requested endpoints (`?hubs=` or the page's origin) that this session's token may use, in
 * their order, then the session's own hubs as fallbacks. Anything else is dropped.
 */
export function trustedEndpoints(requested: readonly HubEndpoint[], sessionHubs: readonly string[], pageOrigin: string): HubEndpoint[] {
  const own = sessionEndpoints(sessionHubs, pageOrigin);
  const origin = endpointOf(pageOrigin, pageOrigin);
  const allowed = new Set([...own, ...(origin ? [origin] : [])].map(keyOf));
  const out = requested.filter((e) => allowed.has(keyOf(e)));
  for (const e of own) if (!out.some((o) => keyOf(o) === keyOf(e))) out.push(e);
  if (out.length === 0 && origin) out.push(origin);
  return out;
}
