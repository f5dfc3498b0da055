/**
 * Transient ownership for a batch fold (issue 18): the state is persistent between batches (views
 * memoise by identity, resume keeps old states), but inside one fold nobody else can see the
 * intermediate states. So an object the batch itself created is mutated in place the next time
 * the batch changes it; an object from before the batch is copied once, and the copy is owned.
 * The owner is dropped when the batch ends, which freezes everything it created: the next batch
 * starts with an empty owner and copies again. A null owner means the plain persistent path.
 */
export class Owner {
  private readonly owned = new Set<object>();

  /** Whether this batch created `o` (so no state outside the batch can hold it). */
  owns(o: object): boolean {
    return this.owned.has(o);
  }

  /** Marks a fresh copy as this batch's own; returns it. Only ever pass an object nobody else holds. */
  claim<T extends object>(o: T): T {
    this.owned.add(o);
    return o;
  }
}

/** `o` itself when the batch owns it, else an owned shallow copy (`copy` makes it). */
export function mutable<T extends object>(owner: Owner, o: T, copy: (o: T) => T): T {
  return owner.owns(o) ? o : owner.claim(copy(o));
}

/** `o` to write into: a copy on the persistent path (no owner), else as `mutable`. */
export function writableBy<T extends object>(owner: Owner | null, o: T, copy: (o: T) => T): T {
  return owner === null ? copy(o) : mutable(owner, o, copy);
}

export const copyObject = <T extends object>(o: T): T => ({ ...o });
export const copyArray = <T>(a: T[]): T[] => a.slice();
