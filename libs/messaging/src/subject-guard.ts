import { subjectMatches } from '@federa/contracts';

/**
 * Drops what a subscription receives on a subject it never asked for. The server delivers a
 * JetStream push consumer's messages to its deliver subject under the STORED message's subject
 * (`$O.<bucket>.C.…`, `$KV.…`), and nats-server does not check who may pick that deliver subject:
 * whoever can create a consumer could otherwise forge a command to any core subscriber. What a
 * subscriber asked for is what the bus lets only the right publishers send; anything else is not
 * a message of this subscription. Each drop is logged, at most once per interval per subscription,
 * with how many were dropped since.
 */
export class SubjectGuard {
  private lastSaid = -Infinity;
  private unsaid = 0;

  constructor(
    private readonly pattern: string,
    private readonly say: (line: string) => void,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when `subject` is one the subscription asked for; otherwise logs (rate-limited) and false. */
  admits(subject: string): boolean {
    if (subjectMatches(this.pattern, subject)) return true;
    this.unsaid += 1;
    const at = this.now();
    if (at - this.lastSaid >= this.everyMs) {
      this.say(
        `dropped ${this.unsaid} message(s) delivered to the subscription on ${this.pattern} under the subject ${subject}: a subscription takes only the subjects it asked for (a JetStream consumer delivering into it?)`,
      );
      this.lastSaid = at;
      this.unsaid = 0;
    }
    return false;
  }
}
