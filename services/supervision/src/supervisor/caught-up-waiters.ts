/** How far a follower of the log has applied it. */
export interface AppliedPosition {
  readonly position: number;
}

/**
 * Callers waiting until the view has applied the log up to a position (read-your-writes after an
 * append). `check()` is called after every applied page.
 */
export class CaughtUpWaiters {
  private readonly waiting = new Set<() => void>();

  constructor(private readonly view: AppliedPosition) {}

  /** Resolves once the view has applied `position`, or after `timeoutMs` (the caller decides again then). */
  async caughtUp(position: number, timeoutMs = 5000): Promise<void> {
    if (this.view.position >= position) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(check);
        resolve();
      };
      const check = () => {
        if (this.view.position >= position) done();
      };
      const timer = setTimeout(done, timeoutMs);
      this.waiting.add(check);
    });
  }

  /** Releases every waiter whose position the view has now applied. */
  check(): void {
    for (const check of [...this.waiting]) check();
  }
}
