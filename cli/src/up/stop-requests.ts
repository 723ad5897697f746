/** What `federa up` does when asked to stop: it gives each request to one of these. */
export interface StopActions {
  /** Stop everything in order (called once, with why: a signal's name, or 'output closed'). */
  stop(why: string): void;
  /** Kill everything at once (called once, with the signal that forced it). */
  force(signal: NodeJS.Signals): void;
  log(line: string): void;
}

/**
 * The requests to stop `federa up` and what each does. The first of them stops everything in
 * order; a second Ctrl-C (SIGINT or SIGTERM) forces the stop. A closed output and a closed terminal
 * (SIGHUP) stop in order too, but never force: no one asked for it, and the terminal may well be
 * gone before the processes are.
 */
export class StopRequests {
  private stopping = false;
  private signals = 0;
  private forcing = false;

  constructor(private readonly actions: StopActions) {}

  /** Whether a second signal has forced the stop. */
  get forced(): boolean {
    return this.forcing;
  }

  /** No one reads what `federa up` says any more (EPIPE): stop as on the first Ctrl-C. */
  outputClosed(): void {
    this.stopInOrder('output closed');
  }

  signal(signal: NodeJS.Signals): void {
    if (signal === 'SIGHUP') {
      if (!this.stopping) this.actions.log(`${signal}: the terminal closed, stopping`);
      return this.stopInOrder(signal);
    }
    if (++this.signals === 1) {
      this.actions.log(`${signal}: stopping (press Ctrl-C again to force)`);
      return this.stopInOrder(signal);
    }
    if (this.forcing) return;
    this.forcing = true;
    this.actions.log(`${signal} again: force-stopping, SIGKILL to everything federa up started`);
    this.actions.force(signal);
  }

  private stopInOrder(why: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.actions.stop(why);
  }
}
