/** The one `log/read` page the console asks for when it needs recent entries, not the whole log. */

/** The newest entries after serial `after`, up to and including `upTo`: at most `limit` of them. */
export function tailPage(after: number, upTo: number, limit: number): { from: number; limit: number } {
  const from = Math.max(after + 1, upTo - limit + 1, 1);
  return { from, limit: Math.max(1, upTo - from + 1) };
}
