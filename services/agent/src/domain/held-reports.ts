import type { ReportDraft } from './report-draft';

/** A report made before the agent had an epoch, with when it was made. */
export interface HeldReport {
  draft: ReportDraft;
  at: number;
}

/**
 * Reports made before the first epoch, bounded: an agent refused a registration for a long time
 * (a conflict on its host) still supervises what it adopted and reports every change, and must not
 * grow without end. Past the capacity, an instance's older state reports give way to its newest
 * (the receiver wants where the instance is, not every step on the way); when that is not enough,
 * the oldest reports go. What goes is counted.
 */
export class HeldReports {
  private items: HeldReport[] = [];
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  push(report: HeldReport): void {
    this.items.push(report);
    if (this.items.length <= this.capacity) return;
    this.keepNewestStatePerInstance();
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.items.splice(0, excess);
      this.dropped += excess;
    }
  }

  /** Every held report, oldest first, and none held any more. */
  takeAll(): HeldReport[] {
    return this.items.splice(0);
  }

  private keepNewestStatePerInstance(): void {
    const newest = new Map<string, number>();
    this.items.forEach(({ draft }, index) => {
      if (draft.kind === 'instance') newest.set(draft.instance, index);
    });
    const kept = this.items.filter(
      ({ draft }, index) => draft.kind !== 'instance' || newest.get(draft.instance) === index,
    );
    this.dropped += this.items.length - kept.length;
    this.items = kept;
  }
}
