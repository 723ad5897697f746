import { speaksOfLost, type AgentWord } from '../domain/report-overdue';
import type { SupervisionView } from '../domain/supervision-view';

/** The first word heard of a lost instance from its agent's current run. */
interface FirstWord {
  at: number;
  epoch: number;
}

/**
 * When the agent of each lost instance's host first said it holds it since the host's return (ms,
 * by supervision's clock: an agent's may be off). A word in a state the log has no event for
 * (migrating, paused, a stop it never asked) records nothing, and is known here only: it holds off
 * failing the instance as gone for a bounded time (agentCameBackWithout). The first word counts,
 * not the latest: a restarted agent repeats the same state in every heartbeat. Kept in memory, on
 * every replica: a supervisor that begins to listen gives every agent its full time again
 * (ReportWindow.listeningSince). An entry goes once the instance is no longer lost, so that a
 * standby, whose pass never runs, does not keep every instance it ever heard of.
 */
export class LostInstanceWords {
  private readonly heard = new Map<string, FirstWord>();

  constructor(
    private readonly view: Pick<SupervisionView, 'instances' | 'hosts'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes note of one instance as an agent's message names it, if it is a lost one's agent speaking. */
  note(word: AgentWord & { instance: string }): void {
    const instance = this.view.instances.get(word.instance);
    if (instance?.state !== 'lost') {
      this.heard.delete(word.instance);
      return;
    }
    if (!speaksOfLost(word, instance, this.view.hosts.get(word.host))) return;
    const first = this.heard.get(word.instance);
    // A later agent run (the host came back again) is a new return: its first word counts anew.
    if (!first || first.epoch < word.epoch)
      this.heard.set(word.instance, { at: this.now(), epoch: word.epoch });
  }

  /** When its agent first said it holds the lost `instance` since its return; undefined if not. */
  heardAt(instance: string): number | undefined {
    return this.heard.get(instance)?.at;
  }

  /** Forgets the instances no longer lost: the log says what became of them. */
  forgetFound(): void {
    for (const id of [...this.heard.keys()]) {
      if (this.view.instances.get(id)?.state !== 'lost') this.heard.delete(id);
    }
  }
}
