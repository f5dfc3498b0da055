/**
 * A bounded map that forgets the least recently used entry first (a Map keeps insertion order,
 * so "used" means deleted and set again). One implementation for the hub's verified-token cache
 * and canonical JSON's big-container texts.
 */
export class LruMap<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly maxEntries: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  /** The value, without counting as a use. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Sets it as the most recently used, then forgets the oldest beyond the bound (0: keeps nothing). */
  set(key: K, value: V): void {
    this.map.delete(key);
    if (this.maxEntries <= 0) return;
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value as K);
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Keys, least recently used first (deleting while iterating is safe, as with a Map). */
  keys(): IterableIterator<K> {
    return this.map.keys();
  }
}
