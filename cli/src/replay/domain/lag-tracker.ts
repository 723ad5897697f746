/** The event a REST command should make the target's log show: this type on this stream. */
export interface ExpectedEvent {
  type: string;
  /** The stream, or undefined when its id is the target's own (a migration's). */
  streamId: string | undefined;
  /** When the command's answer came (undefined while it is in flight). */
  acknowledgedAt?: number;
  /** When the target's feed showed the event, if before the answer came. */
  observedAt?: number;
}

/**
 * How far the target's log is behind the REST commands driven: each command expects its own event,
 * and one lag sample is the time from the command's acknowledgement to that event in the target's
 * feed (0 when the feed showed it before the answer came). Only REST commands are tracked: a
 * simulated host's death shows after the target's failure detection, a re-enacted failure after
 * its wait, neither is the log's lag. A command whose event does not show within `maxWaitMs` of its
 * answer (a no-op in the target) is counted as missing rather than left waiting.
 */
export class LagTracker {
  private readonly pending: ExpectedEvent[] = [];
  readonly samples: number[] = [];
  /** Acknowledged commands whose event the feed never showed in time. */
  missing = 0;
  seen = 0;

  constructor(private readonly maxWaitMs: number) {}

  /** Before the command is sent, so that an event that comes before its answer is matched. */
  expect(type: string, streamId: string | undefined): ExpectedEvent {
    const expected: ExpectedEvent = { type, streamId };
    this.pending.push(expected);
    return expected;
  }

  /** The command was answered at `at`: its lag is counted from here. */
  acknowledged(expected: ExpectedEvent, at: number): void {
    if (expected.observedAt !== undefined) {
      this.remove(expected);
      this.samples.push(0);
      return;
    }
    expected.acknowledgedAt = at;
  }

  /** The command was refused or failed: its event will never come, and it is no sample. */
  forget(expected: ExpectedEvent): void {
    this.remove(expected);
  }

  /** An event of the target's feed, seen at `at`: it answers the oldest command that expects it. */
  observe(type: string, streamId: string, at: number): void {
    this.seen++;
    const expected = this.pending.find(
      (e) =>
        e.observedAt === undefined &&
        e.type === type &&
        (e.streamId === undefined || e.streamId === streamId),
    );
    if (expected === undefined) return;
    if (expected.acknowledgedAt === undefined) {
      expected.observedAt = at;
      return;
    }
    this.remove(expected);
    this.samples.push(Math.max(0, at - expected.acknowledgedAt));
  }

  /** Counts as missing every answered command whose event has not shown for `maxWaitMs`. */
  expire(now: number): void {
    for (const expected of [...this.pending])
      if (expected.acknowledgedAt !== undefined && now - expected.acknowledgedAt > this.maxWaitMs) {
        this.remove(expected);
        this.missing++;
      }
  }

  /** At the end: every answered command whose event never showed is missing. */
  finish(): void {
    for (const expected of [...this.pending])
      if (expected.acknowledgedAt !== undefined) {
        this.remove(expected);
        this.missing++;
      }
  }

  /** The lag now: how long the oldest answered command has waited for its event (0: none waits). */
  currentMs(now: number): number {
    this.expire(now);
    const oldest = this.pending.find((e) => e.acknowledgedAt !== undefined);
    return oldest?.acknowledgedAt === undefined ? 0 : Math.max(0, now - oldest.acknowledgedAt);
  }

  private remove(expected: ExpectedEvent): void {
    const index = this.pending.indexOf(expected);
    if (index >= 0) this.pending.splice(index, 1);
  }
}
