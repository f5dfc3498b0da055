/**
 * Which hubs to talk to (issue 6, item 3): `?hubs=https://a.example,https://b.example`, tried in
 * turn; by default the origin that served the page. Only http(s)/ws(s) origins are accepted, so a
 * crafted link cannot point the page at javascript: or file: URLs.
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
