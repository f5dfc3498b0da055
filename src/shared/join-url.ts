/** Whether a join URL names this machine only (loopback): a phone could never open it. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

/** The warning, in words, shown wherever the join URL is (console, CLI). */
export const LOOPBACK_WARNING =
  'Phones cannot open this join link: it points at this computer only (loopback). Connect this computer to the venue network and start again (without --local-only), or run the hub on a server.';

/**
 * The hub's address as people and pages outside this computer reach it: the origin of the audience
 * join URL (the LAN address in local mode), else of the first hub URL (ws becomes http). Overlay
 * links and teammate instructions use it.
 */
export function hubOrigin(joinUrl: string | null, hubUrls: readonly string[]): string | null {
  for (const raw of [joinUrl, ...hubUrls]) {
    if (!raw) continue;
    try {
      const u = new URL(raw);
      if (u.protocol === 'ws:' || u.protocol === 'wss:') u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
      if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
    } catch {
      // not a URL: try the next
    }
  }
  return null;
}
