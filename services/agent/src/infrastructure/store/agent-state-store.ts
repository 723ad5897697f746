import { join } from 'node:path';
import type { CommandReply } from '@federa/contracts';
import type { InstanceSpec, LayerKind } from '../../layers/layer-driver';
import { AtomicJsonFile } from './atomic-json-file';

/** One row of the instance table, as kept across agent restarts. */
export interface PersistedInstance {
  spec: InstanceSpec;
  layer: LayerKind;
  /** The instance state last reported (one of the public instance states). */
  state: string;
  /** What the layer needs to re-adopt the instance (pid and start time, QMP socket, domain). */
  handle: Record<string, unknown>;
}

/** Where an agent keeps its instance table and the answers it gave, between its own restarts. */
export interface AgentStateStore {
  /** Where the instance table is kept, for messages (none: it is not on disk). */
  readonly instancesPath?: string;
  loadInstances(): Promise<PersistedInstance[]>;
  saveInstances(instances: PersistedInstance[]): Promise<void>;
  loadAnswers(): Promise<[string, CommandReply][]>;
  saveAnswers(answers: [string, CommandReply][]): Promise<void>;
  /** The highest placement generation taken per instance (kept after the instance leaves). */
  loadGenerations(): Promise<[string, number][]>;
  saveGenerations(generations: [string, number][]): Promise<void>;
}

/** The instance table and the answered commands as two JSON files in the agent's data dir. */
export class FileAgentStateStore implements AgentStateStore {
  private readonly instances: AtomicJsonFile<{ version: 1; instances: PersistedInstance[] }>;
  private readonly answers: AtomicJsonFile<{ version: 1; answers: [string, CommandReply][] }>;
  private readonly generations: AtomicJsonFile<{
    version: 1;
    generations: [string, number][];
  }>;
  readonly instancesPath: string;

  constructor(dataDir: string) {
    this.instances = new AtomicJsonFile(join(dataDir, 'instances.json'));
    this.instancesPath = this.instances.path;
    this.answers = new AtomicJsonFile(join(dataDir, 'answered-commands.json'));
    this.generations = new AtomicJsonFile(join(dataDir, 'generations.json'));
  }

  async loadGenerations(): Promise<[string, number][]> {
    return (await this.generations.read())?.generations ?? [];
  }

  saveGenerations(generations: [string, number][]): Promise<void> {
    return this.generations.write({ version: 1, generations });
  }

  async loadInstances(): Promise<PersistedInstance[]> {
    return (await this.instances.read())?.instances ?? [];
  }

  saveInstances(instances: PersistedInstance[]): Promise<void> {
    return this.instances.write({ version: 1, instances });
  }

  async loadAnswers(): Promise<[string, CommandReply][]> {
    return (await this.answers.read())?.answers ?? [];
  }

  saveAnswers(answers: [string, CommandReply][]): Promise<void> {
    return this.answers.write({ version: 1, answers });
  }
}

/** Keeps nothing on disk: for simulated hosts, which live and die with their process. */
export class MemoryAgentStateStore implements AgentStateStore {
  private instances: PersistedInstance[] = [];
  private answers: [string, CommandReply][] = [];
  private generations: [string, number][] = [];

  async loadGenerations(): Promise<[string, number][]> {
    return this.generations;
  }

  async saveGenerations(generations: [string, number][]): Promise<void> {
    this.generations = generations;
  }

  async loadInstances(): Promise<PersistedInstance[]> {
    return this.instances;
  }

  async saveInstances(instances: PersistedInstance[]): Promise<void> {
    this.instances = instances;
  }

  async loadAnswers(): Promise<[string, CommandReply][]> {
    return this.answers;
  }

  async saveAnswers(answers: [string, CommandReply][]): Promise<void> {
    this.answers = answers;
  }
}
