/**
 * Counts the agent messages dropped for a stale epoch and says so at most once per host per
 * interval, with the count since it last spoke: a superseded agent run may go on beating for a
 * while, and each beat must not be a log line.
 */
export class StaleEpochLog {
  private readonly hosts = new Map<string, { saidAt: number; dropped: number }>();
  /** Every message dropped so far, for metrics and tests. */
  total = 0;

  constructor(
    private readonly say: (line: string) => void,
    private readonly everyMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  dropped(host: string, epoch: number, current: number): void {
    this.total += 1;
    const at = this.now();
    const entry = this.hosts.get(host) ?? { saidAt: -Infinity, dropped: 0 };
    entry.dropped += 1;
    this.hosts.set(host, entry);
    if (at - entry.saidAt < this.everyMs) return;
    this.say(
      `dropped ${entry.dropped} message(s) from host ${host} at stale epoch ${epoch} (its epoch is ${current})`,
    );
    entry.saidAt = at;
    entry.dropped = 0;
  }
}
