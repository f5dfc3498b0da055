/**
 * Plain-object records keyed by untrusted strings (poll ids, words, emoji) must not trip over
 * Object.prototype: reading `rec["constructor"]` or writing `rec["__proto__"]` would otherwise
 * return or replace the prototype. Every keyed read and write of a Record goes through here.
 */
export function getOwn<V>(rec: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(rec, key) ? rec[key] : undefined;
}

/** Sets an own, enumerable data property, also for the key "__proto__". Mutates `rec`. */
export function setOwn<V>(rec: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(rec, key, { value, writable: true, enumerable: true, configurable: true });
  else rec[key] = value;
}

/** A copy of `rec` with `key` set (a computed key in a literal always defines an own property). */
export const withKey = <V>(rec: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> => ({ ...rec, [key]: value });
