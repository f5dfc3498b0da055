/**
 * Serves the built audience app (out/audience) read-only through sirv: the page for its routes
 * (`/`, `/j/CODE`, `/overlay/...`), its assets, and the .br/.gz files the audience build wrote
 * beside each (vite.audience.config.ts), chosen by Accept-Encoding with `Vary`, a weak ETag
 * (304 on a match) and a year of immutable caching for the hashed files under assets/.
 */
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';
import sirv from 'sirv';

// The audience pages talk only to their own origin and run only their own scripts.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'none'";
// The phone page is never framed (another site could lay a fake UI over its buttons: votes,
// questions, leaving); overlays are, by OBS-style browser sources and the console's previews.
const PAGE_HEADERS: Record<string, Record<string, string>> = {
  '/index.html': { 'content-security-policy': `${CSP}; frame-ancestors 'none'`, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' },
  '/overlay.html': { 'content-security-policy': CSP, 'referrer-policy': 'no-referrer' },
};

/** The file a page route stands for; other paths map to themselves. */
const pageFor = (urlPath: string): string | null => {
  if (urlPath === '/' || urlPath.startsWith('/j/')) return '/index.html';
  if (urlPath.startsWith('/overlay/')) return '/overlay.html';
  return null;
};

export class StaticFiles {
  private readonly handler: ReturnType<typeof sirv>;

  constructor(private readonly root: string) {
    // dev: look files up per request (a few stat calls) instead of once at start, so a hub
    // started before `npm run build` (or across a rebuild) serves what is there now.
    this.handler = sirv(root, {
      dev: true,
      etag: true,
      brotli: true,
      gzip: true,
      extensions: [],
      setHeaders: (res, pathname) => {
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
        if (pathname.endsWith('.html')) for (const [k, v] of Object.entries(PAGE_HEADERS[pathname] ?? PAGE_HEADERS['/index.html'] ?? {})) res.setHeader(k, v);
      },
    });
  }

  get available(): boolean {
    return fs.existsSync(path.join(this.root, 'index.html'));
  }

  /** Returns false when the path is not one of ours (the caller answers 404). */
  serve(req: http.IncomingMessage, urlPath: string, res: http.ServerResponse): boolean {
    const page = pageFor(urlPath);
    // Only what the build wrote: pages and top-level/asset files, never a precompressed twin by name.
    if (!page && (/\.(br|gz)$/.test(urlPath) || urlPath.includes('\0'))) return false;
    let found = true;
    const original = req.url;
    if (page) req.url = page;
    try {
      this.handler(req, res, () => {
        found = false;
      });
    } finally {
      req.url = original;
    }
    return found;
  }
}
