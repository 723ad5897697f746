/**
 * Spreads members over `slots` slots of one period so that one timer serves them all: each member
 * fires once per period, in the slot chosen when it was added (members of one slot fire together).
 */
export class TimerWheel<T> {
  private readonly buckets: Set<T>[];
  private readonly slotOf = new Map<T, number>();
  private next = 0;

  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1)
      throw new Error('a timer wheel needs at least one slot');
    this.buckets = Array.from({ length: slots }, () => new Set<T>());
  }

  get size(): number {
    return this.slotOf.size;
  }

  /** Adds a member to the least used slot, round robin: N members spread evenly over the period. */
  add(member: T): number {
    const existing = this.slotOf.get(member);
    if (existing !== undefined) return existing;
    const slot = this.next;
    this.next = (this.next + 1) % this.slots;
    this.buckets[slot].add(member);
    this.slotOf.set(member, slot);
    return slot;
  }

  remove(member: T): void {
    const slot = this.slotOf.get(member);
    if (slot === undefined) return;
    this.buckets[slot].delete(member);
    this.slotOf.delete(member);
  }

  /** The members due at tick number `tick` (ticks count slots since the wheel started). */
  due(tick: number): ReadonlySet<T> {
    return this.buckets[((tick % this.slots) + this.slots) % this.slots];
  }
}
