import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { ProjectionRunner, type EventStore } from '@federa/eventstore';
import type { Pool } from 'pg';
import { EVENT_STORE, PG_POOL } from '../infrastructure/inventory-tokens';
import { HostProjection } from './host-projection';

/** Keeps the hosts read model following the log for as long as the process runs. */
@Injectable()
export class HostProjectionRunner implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('HostProjection');
  private readonly runner: ProjectionRunner;

  constructor(@Inject(PG_POOL) pool: Pool, @Inject(EVENT_STORE) store: EventStore) {
    this.runner = new ProjectionRunner(pool, store, new HostProjection(), {
      pollMs: 50,
      retryDelayMs: 1000,
      onError: (error) =>
        this.logger.error(`projection stopped, restarting in 1 s: ${(error as Error).message}`),
    });
  }

  /** Catches up before the service answers anything, then follows in the background. */
  async onModuleInit(): Promise<void> {
    await this.runner.catchUp();
    void this.runner.start();
  }

  /** Applies everything visible now (tests and commands that must read their own writes). */
  catchUp(): Promise<number> {
    return this.runner.catchUp();
  }

  /** Resolves once the read model includes the event at log `position` (a command's own write). */
  reach(position: number, timeoutMs?: number): Promise<void> {
    return this.runner.reach(position, timeoutMs);
  }

  /** Resolves once the read model includes what was committed before the call (bounded wait). */
  current(): Promise<void> {
    return this.runner.current();
  }

  rebuild(): Promise<number> {
    return this.runner.rebuild();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
