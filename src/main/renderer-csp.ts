/**
 * The console UI's Content-Security-Policy (STYLE.md: script-src 'self'), shared by the
 * Electron window, its app:// protocol and the web host. Inline styles stay allowed
 * because React sets `style` attributes (the Live chart's tooltip, virtualised rows); scripts never are. Frames may show
 * http(s) pages: the overlay previews, which are the hub's own pages in a cross-origin frame.
 */
export function rendererCsp(opts: { connectSrc?: string[]; /** electron-vite dev server only (React refresh preamble). */ devInlineScripts?: boolean } = {}): string {
  return [
    "default-src 'none'",
    opts.devInlineScripts ? "script-src 'self' 'unsafe-inline'" : "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src ${["'self'", ...(opts.connectSrc ?? [])].join(' ')}`,
    "manifest-src 'self'",
    "worker-src 'self'",
    // The Overlays screen previews the hub's overlay pages (any hub the producer connects to).
    'frame-src http: https:',
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
