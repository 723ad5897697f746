/**
 * The answers already given, by command id, so that a repeated command answers the same and never
 * acts twice. Bounded to the most recent `capacity` ids (the control plane retries within minutes).
 */
export class CommandLedger<R> {
  private readonly answers = new Map<string, R>();

  /** @param capacity ids remembered; the oldest are forgotten first */
  constructor(
    entries: Iterable<[string, R]> = [],
    readonly capacity = 5_000,
  ) {
    for (const [id, reply] of entries) this.record(id, reply);
  }

  answerOf(commandId: string): R | undefined {
    return this.answers.get(commandId);
  }

  record(commandId: string, reply: R): void {
    this.answers.delete(commandId);
    this.answers.set(commandId, reply);
    while (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next().value as string;
      this.answers.delete(oldest);
    }
  }

  /** Takes an answer back (it could not be kept): the command will be decided afresh. */
  forget(commandId: string): void {
    this.answers.delete(commandId);
  }

  entries(): [string, R][] {
    return [...this.answers.entries()];
  }
}
