/**
 * `--public-url`: the origins phones reach this hub's cluster at (issue 11 item 8). Each must be
 * an absolute http(s) URL; only its origin is kept (no path, no credentials), in order, once each.
 */
export function parsePublicUrls(raw: readonly string[]): string[] {
  const out: string[] = [];
  for (const r of raw) {
    let url: URL;
    try {
      url = new URL(r.trim());
    } catch {
      throw new Error(`${JSON.stringify(r)} is not an absolute URL (say https://hub.example)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${JSON.stringify(r)} must be http:// or https://`);
    if (url.username || url.password) throw new Error(`${JSON.stringify(r)} must not carry credentials`);
    if (!out.includes(url.origin)) out.push(url.origin);
  }
  return out;
}
