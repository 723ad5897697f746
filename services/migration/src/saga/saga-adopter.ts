import type { RunOptions } from './migration-runner';
import type { MigrationSagaState } from '../domain/migration-saga';
import type { SagaOwnership } from './saga-ownership';

/** How often the leader looks for sagas nobody runs. */
export const adoptEveryMs = 3000;

export interface SagaAdopterPorts {
  isLeader(): boolean;
  /** Migrations whose saga has not ended. */
  unended(): Promise<string[]>;
  ownership: SagaOwnership;
  runner: { run(migration: string, options?: RunOptions): Promise<MigrationSagaState> };
  log(message: string): void;
}

/**
 * The leader's sweep: every saga not ended whose owner lease is free has lost its owner (a lease is
 * held for as long as its owner's session lives), so the leader claims it and runs it from its
 * stream. A saga whose owner is alive is left alone however long its phase takes.
 */
export class SagaAdopter {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<string[]> | undefined;

  constructor(
    private readonly ports: SagaAdopterPorts,
    private readonly everyMs = adoptEveryMs,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping?.catch(() => undefined);
  }

  /** One look (a sweep still running is not doubled); answers the migrations taken over. */
  sweep(): Promise<string[]> {
    this.sweeping ??= this.adopt()
      .catch((error: unknown) => {
        this.ports.log(`looking for sagas without an owner failed: ${String(error)}`);
        return [];
      })
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }

  private async adopt(): Promise<string[]> {
    const { ports } = this;
    if (!ports.isLeader()) return [];
    const adopted: string[] = [];
    for (const migration of await ports.unended()) {
      if (!ports.isLeader()) break;
      if (!(await ports.ownership.claim(migration))) continue;
      adopted.push(migration);
      ports.log(`migration ${migration} has no owner: resuming it from its stream`);
      void ports.runner
        .run(migration, { adopted: true })
        .catch((error: unknown) => ports.log(`migration ${migration} stopped: ${String(error)}`));
    }
    return adopted;
  }
}
