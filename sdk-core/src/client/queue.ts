/**
 * The bounded event queue: a ring buffer of event tuples, each with its session. When it is full
 * the oldest event is dropped and counted — memory stays bounded however long the collector is
 * unreachable. Pushing allocates nothing.
 */

/** A bounded FIFO of `(owner, item)` pairs that drops its oldest pair when full. */
export class BoundedQueue<O, T> {
  private readonly owners: Array<O | undefined>;
  private readonly items: Array<T | undefined>;
  private head = 0;
  private size = 0;
  /** Items dropped because the queue was full, since the last {@link takeOverflow}. */
  private overflow = 0;

  /** A queue of at most `capacity` items (at least 1). */
  constructor(readonly capacity: number) {
    const n = Math.max(1, Math.floor(capacity));
    this.owners = new Array<O | undefined>(n);
    this.items = new Array<T | undefined>(n);
    this.capacity = n;
  }

  /** Items in the queue. */
  get length(): number {
    return this.size;
  }

  /** Append an item; when full, drop the oldest first. Returns false when something was dropped. */
  push(owner: O, item: T): boolean {
    let dropped = false;
    if (this.size === this.capacity) {
      this.shift(1);
      this.overflow++;
      dropped = true;
    }
    const at = (this.head + this.size) % this.capacity;
    this.owners[at] = owner;
    this.items[at] = item;
    this.size++;
    return !dropped;
  }

  /** The owner of the `i`-th item from the head. */
  ownerAt(i: number): O {
    return this.owners[(this.head + i) % this.capacity] as O;
  }

  /** The `i`-th item from the head. */
  itemAt(i: number): T {
    return this.items[(this.head + i) % this.capacity] as T;
  }

  /** Remove `n` items from the head. */
  shift(n: number): void {
    const count = Math.min(n, this.size);
    for (let k = 0; k < count; k++) {
      this.owners[this.head] = undefined;
      this.items[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
    }
    this.size -= count;
  }

  /** Drop everything (without counting it as overflow). */
  clear(): void {
    this.shift(this.size);
  }

  /** Overflow drops since the last call, and reset the count. */
  takeOverflow(): number {
    const n = this.overflow;
    this.overflow = 0;
    return n;
  }
}
