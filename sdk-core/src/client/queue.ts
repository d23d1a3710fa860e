/**
 * The bounded event queue: a ring buffer of event tuples, each with its session. When it is full
 * the oldest event is dropped and counted — memory stays bounded however long the collector is
 * unreachable. Pushing allocates nothing.
 */

/** A bounded FIFO of `(owner, item)` pairs that drops its oldest pair when full. */
export interface BoundedQueue<O, T> {
  /** Most items it holds (at least 1). */
  readonly capacity: number;
  /** Items in the queue. */
  readonly length: number;
  /** Append an item; when full, drop the oldest first. Returns false when something was dropped. */
  push(owner: O, item: T): boolean;
  /** The owner of the `i`-th item from the head. */
  ownerAt(i: number): O;
  /** The `i`-th item from the head. */
  itemAt(i: number): T;
  /** Remove `n` items from the head. */
  shift(n: number): void;
  /** Drop everything (without counting it as overflow). */
  clear(): void;
  /** Items dropped because the queue was full since the last call; resets the count. */
  takeOverflow(): number;
}

/** A queue of at most `capacity` items (at least 1). */
export function createBoundedQueue<O, T>(capacity: number): BoundedQueue<O, T> {
  const n = Math.max(1, Math.floor(capacity));
  const owners = new Array<O | undefined>(n);
  const items = new Array<T | undefined>(n);
  let head = 0;
  let size = 0;
  let overflow = 0;

  function shift(count: number): void {
    for (count = Math.min(count, size); count > 0; count--, size--) {
      owners[head] = items[head] = undefined;
      head = (head + 1) % n;
    }
  }

  return {
    capacity: n,
    get length() {
      return size;
    },
    push(owner, item) {
      const full = size === n;
      if (full) {
        shift(1);
        overflow++;
      }
      const at = (head + size++) % n;
      owners[at] = owner;
      items[at] = item;
      return !full;
    },
    ownerAt: (i) => owners[(head + i) % n] as O,
    itemAt: (i) => items[(head + i) % n] as T,
    shift,
    clear: () => shift(size),
    takeOverflow() {
      const dropped = overflow;
      overflow = 0;
      return dropped;
    },
  };
}
