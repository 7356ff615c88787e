/**
 * A bounded map that forgets the least recently used entry when full. A hit only stamps the
 * entry with a clock (eager dispatch looks a kernel up per primitive: moving the entry to the
 * end of a Map, a delete and an insert, cost more than the lookup); the oldest stamp is
 * searched for only when an insertion overflows, which follows a compile.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; used: number }>();
  private clock = 0;
  /** `onEvict` is called with each entry dropped for room (not with ones deleted explicitly). */
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (value: V, key: K) => void,
  ) {}

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    entry.used = ++this.clock;
    return entry.value;
  }

  set(key: K, value: V): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.value = value;
      entry.used = ++this.clock;
      return;
    }
    this.entries.set(key, { value, used: ++this.clock });
    if (this.entries.size > this.capacity) this.evictOldest();
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private evictOldest(): void {
    let oldest: K | undefined;
    let stamp = Infinity;
    for (const [key, entry] of this.entries) {
      if (entry.used < stamp) (stamp = entry.used), (oldest = key);
    }
    const { value } = this.entries.get(oldest as K)!;
    this.entries.delete(oldest as K);
    this.onEvict?.(value, oldest as K);
  }
}
