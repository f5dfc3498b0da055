/**
 * `http://h:1/base` → `ws://h:1/base/v1/ws`; `https` → `wss`; ws(s) URLs kept; a URL that
 * already ends in `/v1/ws` is used as is. Throws on a URL that is not http(s) or ws(s).
 */
export function hubSocketUrl(hubUrl: string): string {
  const url = new URL(hubUrl);
  const scheme = ({ 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' } as Record<string, string>)[url.protocol];
  if (!scheme) throw new Error(`hub URL must be http(s) or ws(s): ${hubUrl}`);
  url.protocol = scheme;
  const base = url.pathname.replace(/\/+$/, '');
  url.pathname = base.endsWith('/v1/ws') ? base : `${base}/v1/ws`;
  url.hash = '';
  return url.toString();
}
