/**
 * Transient ownership for a batch fold (issue 18): the state is persistent between batches (views
 * memoise by identity, resume keeps old states), but inside one fold nobody else can see the
 * intermediate states. So an object the batch itself created is mutated in place the next time
 * the batch changes it; an object from before the batch is copied once, and the copy is owned.
 * The owner is dropped when the batch ends, which freezes everything it created: the next batch
 * starts with an empty owner and copies again. A null owner means the plain persistent path.
 */
/**
 * The tag is a non-enumerable symbol property on the object itself, not a Set of the batch's
 * objects: a property read is one inline-cached load where Set.has hashed every node on every
 * vote's path (1.05-1.15x the votes per CPU-second, bench/lib/reducer-ab.ts). Non-enumerable and symbol-keyed, it is invisible to
 * JSON.stringify (snapshots), to spreads and slice (a copy starts unowned) and to deep equality.
 * A tag outlives its batch, but it names that batch's Owner, which never folds again.
 */
const OWNED_BY = Symbol('ownedBy');
type Tagged = { [OWNED_BY]?: Owner };

export class Owner {
  /** Whether this batch created `o` (so no state outside the batch can hold it). */
  owns(o: object): boolean {
    return (o as Tagged)[OWNED_BY] === this;
  }

  /** Marks a fresh copy as this batch's own; returns it. Only ever pass an object nobody else holds. */
  claim<T extends object>(o: T): T {
    Object.defineProperty(o, OWNED_BY, { value: this, writable: true });
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
