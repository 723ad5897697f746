/**
 * A hashed timing wheel of deadlines: scheduling, moving and cancelling a key cost O(1), and
 * taking what is due costs the due keys plus the slots passed since the last take, never the
 * number of keys held. A key fires no earlier than its deadline and at most one slot after it.
 */
export class DeadlineWheel<K> {
  private readonly slots = new Map<number, Set<K>>();
  private readonly slotOf = new Map<K, number>();
  /** Every slot below this one has been taken already. */
  private nextSlot: number | undefined;

  /** @param slotMs the wheel's resolution in milliseconds */
  constructor(private readonly slotMs: number) {
    if (!(slotMs > 0)) throw new Error('slotMs must be positive');
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Sets (or moves) the key's deadline; a deadline already passed fires at the next take. */
  schedule(key: K, at: number): void {
    this.cancel(key);
    let slot = Math.ceil(at / this.slotMs);
    if (this.nextSlot !== undefined && slot < this.nextSlot) {
      // The slot was walked already: rewind the cursor one slot so that the next take finds it.
      slot = this.nextSlot - 1;
      this.nextSlot = slot;
    }
    let keys = this.slots.get(slot);
    if (!keys) this.slots.set(slot, (keys = new Set()));
    keys.add(key);
    this.slotOf.set(key, slot);
  }

  cancel(key: K): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    const keys = this.slots.get(slot);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.slots.delete(slot);
  }

  has(key: K): boolean {
    return this.slotOf.has(key);
  }

  /** Removes and answers every key whose deadline is at or before `now`. */
  takeDue(now: number): K[] {
    const last = Math.floor(now / this.slotMs);
    const due: K[] = [];
    const take = (slot: number) => {
      const keys = this.slots.get(slot);
      if (!keys) return;
      this.slots.delete(slot);
      for (const key of keys) {
        this.slotOf.delete(key);
        due.push(key);
      }
    };
    if (this.nextSlot === undefined || last - this.nextSlot > this.slots.size) {
      // First take, or after a long pause: walking the held slots beats walking empty ones.
      const passed = [...this.slots.keys()].filter((slot) => slot <= last).sort((a, b) => a - b);
      passed.forEach(take);
    } else {
      for (let slot = this.nextSlot; slot <= last; slot++) take(slot);
    }
    if (this.nextSlot === undefined || last + 1 > this.nextSlot) this.nextSlot = last + 1;
    return due;
  }
}
