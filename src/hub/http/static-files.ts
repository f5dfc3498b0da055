/** Serves the built audience app (out/audience) read-only: the page, its assets, and the SPA routes. */
import fs from 'node:fs';
import path from 'node:path';
import type http from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
};

// The audience page talks only to its own origin; nothing may frame it but OBS-style browser sources.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export class StaticFiles {
  constructor(private readonly root: string) {}

  get available(): boolean {
    return fs.existsSync(path.join(this.root, 'index.html'));
  }

  /** Returns false when the path is not one of ours (the caller answers 404). */
  serve(urlPath: string, res: http.ServerResponse): boolean {
    if (!this.available) return false;
    const isPage = urlPath === '/' || urlPath.startsWith('/j/') || urlPath.startsWith('/overlay/');
    const rel = isPage ? (urlPath.startsWith('/overlay/') ? 'overlay.html' : 'index.html') : decodeURIComponent(urlPath).replace(/^\/+/, '');
    const file = path.resolve(this.root, rel);
    if (!file.startsWith(path.resolve(this.root) + path.sep)) return false;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      return false;
    }
    if (!stat.isFile()) return false;
    const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    const immutable = rel.startsWith('assets/');
    res.writeHead(200, {
      'content-type': type,
      'content-length': String(stat.size),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...(type.startsWith('text/html') ? PAGE_HEADERS : { 'x-content-type-options': 'nosniff' }),
    });
    fs.createReadStream(file).pipe(res);
    return true;
  }
}
