import type { AgentStateStore } from './agent-state-store';

/**
 * The highest placement generation this agent took per instance, kept through the state store
 * across its restarts and after the instance left the host: a late start of a placement the log
 * has since replaced must be refused even when nothing of that instance runs here any more.
 */
export class InstanceGenerations {
  private readonly known = new Map<string, number>();

  constructor(private readonly store: AgentStateStore) {}

  async load(): Promise<void> {
    this.known.clear();
    for (const [instance, generation] of await this.store.loadGenerations()) {
      this.known.set(instance, generation);
    }
  }

  of(instance: string): number | undefined {
    return this.known.get(instance);
  }

  /**
   * Resolves once the generation is stored (only then may the start go on); a lower one than known
   * changes nothing. Not stored, it is taken back, as an answer that could not be stored is.
   */
  async record(instance: string, generation: number): Promise<void> {
    const before = this.known.get(instance);
    if (before !== undefined && before >= generation) return;
    this.known.set(instance, generation);
    try {
      await this.store.saveGenerations([...this.known]);
    } catch (error) {
      if (before === undefined) this.known.delete(instance);
      else this.known.set(instance, before);
      throw error;
    }
  }
}
