/** A timer planned on a fake clock. */
interface FakeTimer {
  at: number;
  run: () => void;
}

/** A clock that moves only when told to; its timers fire as it passes their time. */
export class FakeClock {
  private time = 1_000_000;
  private readonly timers = new Set<FakeTimer>();

  readonly now = (): number => this.time;

  /** Runs `run` once the clock has moved on by `delayMs`, unless the answered function is called. */
  readonly schedule = (run: () => void, delayMs: number): (() => void) => {
    const timer = { at: this.time + delayMs, run };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  };

  /** Timers planned and not yet fired nor cancelled. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves on by `ms`, firing each timer due meanwhile at its own time, earliest first. */
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers]
        .filter((timer) => timer.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers.delete(due);
      this.time = Math.max(this.time, due.at);
      due.run();
    }
    this.time = until;
  }
}
