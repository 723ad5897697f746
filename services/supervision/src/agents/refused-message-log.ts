import type { FieldError } from '@federa/contracts';

/**
 * Says why agent messages were dropped, naming the fields, at most once per subject per interval: a
 * misbehaving agent sends the same mistake every heartbeat, and the log must not drown in it.
 */
export class RefusedMessageLog {
  private readonly lastSaid = new Map<string, number>();

  constructor(
    private readonly say: (line: string) => void,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  refused(subject: string, errors: readonly FieldError[]): void {
    const at = this.now();
    if (at - (this.lastSaid.get(subject) ?? -Infinity) < this.everyMs) return;
    this.lastSaid.set(subject, at);
    const why = errors.map((e) => `${e.path || '(message)'}: ${e.reason}`).join('; ');
    this.say(`dropped a message on ${subject}: ${why}`);
  }
}
