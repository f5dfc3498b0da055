/** The `code` of a Node system error (ENOENT, EEXIST, ...), or undefined for anything else. */
export const errnoOf = (err: unknown): string | undefined =>
  typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
