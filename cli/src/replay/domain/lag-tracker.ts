/** What a driven step should make the target's log show: an event of this type on this stream. */
export interface ExpectedEvent {
  type: string;
  /** The stream, or undefined when its id is the target's own (a migration's). */
  streamId: string | undefined;
  sentAt: number;
}

/**
 * How far the target's log is behind the commands driven: each driven step expects its event, and
 * the event's arrival in the target's feed gives one lag sample (arrival − when the step was sent).
 */
export class LagTracker {
  private readonly pending: ExpectedEvent[] = [];
  readonly samples: number[] = [];
  seen = 0;

  expect(expected: ExpectedEvent): void {
    this.pending.push(expected);
  }

  /** The step's command was refused: its event will never come. */
  forget(expected: ExpectedEvent): void {
    const index = this.pending.indexOf(expected);
    if (index >= 0) this.pending.splice(index, 1);
  }

  /** An event of the target's feed, seen at `at`: it answers the oldest step that expects it. */
  observe(type: string, streamId: string, at: number): void {
    this.seen++;
    const index = this.pending.findIndex(
      (e) => e.type === type && (e.streamId === undefined || e.streamId === streamId),
    );
    if (index < 0) return;
    const [expected] = this.pending.splice(index, 1);
    this.samples.push(Math.max(0, at - expected.sentAt));
  }

  /** The lag now: how long the oldest step still waiting for its event has waited (0: none). */
  currentMs(now: number): number {
    const oldest = this.pending[0];
    return oldest === undefined ? 0 : Math.max(0, now - oldest.sentAt);
  }
}
