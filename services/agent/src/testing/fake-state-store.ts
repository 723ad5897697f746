import type { CommandReply } from '@federa/contracts';
import type { AgentStateStore, PersistedInstance } from '../infrastructure/store/agent-state-store';

/**
 * An in-memory state store that copies what it keeps through JSON, as the file store does, so
 * that nothing saved shares objects with the agent that saved it (a restart sees only what was saved).
 */
export class FakeStateStore implements AgentStateStore {
  private instances = '[]';
  private answers = '[]';
  private generations = '[]';
  /** Instance-table saves so far. */
  instanceSaves = 0;

  async loadInstances(): Promise<PersistedInstance[]> {
    return JSON.parse(this.instances) as PersistedInstance[];
  }

  async saveInstances(instances: PersistedInstance[]): Promise<void> {
    this.instances = JSON.stringify(instances);
    this.instanceSaves++;
  }

  async loadAnswers(): Promise<[string, CommandReply][]> {
    return JSON.parse(this.answers) as [string, CommandReply][];
  }

  async saveAnswers(answers: [string, CommandReply][]): Promise<void> {
    this.answers = JSON.stringify(answers);
  }

  async loadGenerations(): Promise<[string, number][]> {
    return JSON.parse(this.generations) as [string, number][];
  }

  async saveGenerations(generations: [string, number][]): Promise<void> {
    this.generations = JSON.stringify(generations);
  }

  /** The instance table as saved last. */
  saved(): PersistedInstance[] {
    return JSON.parse(this.instances) as PersistedInstance[];
  }
}
