/**
 * Shape limits on parsed JSON, checked iteratively before anything recursive (zod, the
 * reducers, JSON.stringify, JSON Patch) touches a value. JSON.parse itself does not recurse,
 * so a 10 KB frame nested 5,000 deep parses; these limits stop it there (docs/protocol-notes.md).
 */

export interface JsonBounds {
  /** Nesting levels, the outermost object or array being level 1. */
  maxDepth: number;
  /** Keys of any one object. */
  maxKeys: number;
  /** Items of any one array. */
  maxItems: number;
}

/**
 * Client frames and HTTP bodies: every message of PROTOCOL.md nests under 10 levels and its
 * widest list (`filterWords`, 500) fits; a frame nests at most 32 levels.
 */
export const CLIENT_JSON_BOUNDS: JsonBounds = { maxDepth: 32, maxKeys: 256, maxItems: 1_000 };

/** What clients accept from a hub: staff views hold wide maps (10,000 questions), never deep ones. */
export const HUB_JSON_BOUNDS: JsonBounds = { maxDepth: 64, maxKeys: Number.POSITIVE_INFINITY, maxItems: Number.POSITIVE_INFINITY };

export type BoundsViolation = { kind: 'depth' | 'width'; message: string };

/** The first limit `value` breaks, or null. Work is linear in the value's size; no recursion. */
export function checkJsonBounds(value: unknown, bounds: JsonBounds): BoundsViolation | null {
  const stack: Array<{ v: object; depth: number }> = [];
  if (value !== null && typeof value === 'object') stack.push({ v: value, depth: 1 });
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: object; depth: number };
    if (depth > bounds.maxDepth) return { kind: 'depth', message: `nested deeper than ${bounds.maxDepth} levels` };
    const children: unknown[] = Array.isArray(v) ? v : Object.values(v);
    if (Array.isArray(v)) {
      if (v.length > bounds.maxItems) return { kind: 'width', message: `an array holds more than ${bounds.maxItems} items` };
    } else if (children.length > bounds.maxKeys) return { kind: 'width', message: `an object holds more than ${bounds.maxKeys} keys` };
    for (const c of children) if (c !== null && typeof c === 'object') stack.push({ v: c, depth: depth + 1 });
  }
  return null;
}
