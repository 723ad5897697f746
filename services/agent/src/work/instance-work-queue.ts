import type { AgentCommand } from '@federa/contracts';
import type { ReportDraft } from '../domain/report-draft';
import type { InstanceEntry } from '../instances/instance-table';
import type { Procedure } from './work-context';

/** What the queue reports a procedure under: a command, or the agent's own work (`backup`). */
export type QueuedWork = Pick<AgentCommand, 'commandId'> & { type: string };

/**
 * Runs each instance's procedures one after the other (a stop waits for the start before it),
 * marks the instance busy meanwhile and reports every command's outcome.
 */
export class InstanceWorkQueue {
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly report: (draft: ReportDraft) => void) {}

  /** Queues a procedure after any earlier one on the same instance. */
  run(command: QueuedWork, entry: InstanceEntry, procedure: Procedure): void {
    const instance = entry.spec.instance;
    const previous = this.chains.get(instance) ?? Promise.resolve();
    const next = previous.then(() => this.perform(command, entry, procedure));
    const tracked = next.finally(() => {
      if (this.chains.get(instance) === tracked) this.chains.delete(instance);
    });
    this.chains.set(instance, tracked);
  }

  /** Makes later procedures on `instance` wait until `until` settles (the agent's own work). */
  hold(instance: string, until: Promise<unknown>): void {
    const previous = this.chains.get(instance) ?? Promise.resolve();
    const tracked: Promise<void> = previous
      .then(() => until)
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        if (this.chains.get(instance) === tracked) this.chains.delete(instance);
      });
    this.chains.set(instance, tracked);
  }

  /** Waits for every procedure in flight, those queued meanwhile included. */
  async settled(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async perform(
    command: QueuedWork,
    entry: InstanceEntry,
    procedure: Procedure,
  ): Promise<void> {
    entry.busy = true;
    const outcome = {
      kind: 'command' as const,
      instance: entry.spec.instance,
      commandId: command.commandId,
      command: command.type,
    };
    try {
      const result = await procedure(entry);
      this.report({ ...outcome, status: 'succeeded', ...(result ? { result } : {}) });
    } catch (error) {
      this.report({
        ...outcome,
        status: 'failed',
        error: { code: 'layer_error', message: (error as Error).message },
      });
    } finally {
      entry.busy = false;
    }
  }
}
