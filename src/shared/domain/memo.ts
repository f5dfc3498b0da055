/**
 * Memoisation by object identity, the reason the state is immutable with structural sharing:
 * a selector called again with the same sub-object returns the same result object, so an
 * unchanged part of a view costs one WeakMap lookup and diffs to nothing (json-patch
 * short-circuits on `===`). WeakMaps let old states be collected.
 */
export function memo<K extends object, V>(fn: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const v = fn(key);
    cache.set(key, v);
    return v;
  };
}
