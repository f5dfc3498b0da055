/** Hub URL lists as typed by people: one per line or comma-separated. */
export const parseHubUrls = (text: string): string[] =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

export function hubUrlsProblem(urls: string[]): string | null {
  if (urls.length === 0) return 'Give at least one hub URL.';
  if (urls.length > 10) return 'At most 10 hub URLs.';
  const bad = urls.find((u) => !/^(https?|wss?):\/\/\S+$/i.test(u));
  return bad ? `"${bad}" is not a hub URL (it starts with http://, https://, ws:// or wss://).` : null;
}
