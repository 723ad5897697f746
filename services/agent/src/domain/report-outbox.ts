/**
 * Reports waiting to be confirmed by the bus, oldest first. Bounded: when full, the oldest report is
 * dropped (and counted) so that a long outage costs memory, never the agent.
 */
export class ReportOutbox<T extends { seq: number }> {
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  /** @param capacity most reports kept while the bus is unreachable */
  constructor(readonly capacity = 10_000) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
    if (this.size > this.capacity) {
      this.head++;
      this.dropped++;
    }
    this.compact();
  }

  /** The oldest `max` reports, still kept until confirmed. */
  peek(max: number): T[] {
    return this.items.slice(this.head, this.head + max);
  }

  /** Forgets every report up to and including `seq` (the bus confirmed them). */
  confirmThrough(seq: number): void {
    while (this.head < this.items.length && this.items[this.head].seq <= seq) this.head++;
    this.compact();
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
