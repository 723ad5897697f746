import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ListInstancesQuery } from '@federa/contracts';
import { PostgresEventStore } from '@federa/eventstore';
import { InstanceListFollower } from '@federa/instance-list';
import type { Pool } from 'pg';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { DATABASE_POOL } from './database/database-pool';

/**
 * The gateway's own memory of every instance, folded from the log's start (a service never reads
 * another's tables, so not from supervision's rows) and kept by following the log: an instance
 * list is answered here once memory holds the log's head as read after the list arrived, without
 * crossing NATS to supervision. Off (`FEDERA_GATEWAY_INSTANCE_LISTS=forward`), it holds nothing
 * and every list goes to supervision.
 */
@Injectable()
export class InstanceListMemory implements OnApplicationBootstrap {
  private readonly follower: InstanceListFollower | undefined;

  constructor(@Inject(DATABASE_POOL) pool: Pool, @Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    if ((config.instanceLists ?? 'memory') === 'forward') return;
    const logger = new Logger('InstanceLists');
    this.follower = new InstanceListFollower(pool, new PostgresEventStore(pool), {
      logError: (message) => logger.error(message),
    });
  }

  /** After every module's init: the events module has made the log's tables by then. */
  onApplicationBootstrap(): void {
    this.follower?.start();
  }

  /**
   * The page as supervision would send it, once memory includes everything committed before this
   * call; undefined when off, not caught up, or the log's head is not reached within `timeoutMs`.
   */
  pageWhenCurrent(query: ListInstancesQuery, timeoutMs = 1000): Promise<string | undefined> {
    return this.follower?.pageWhenCurrent(query, timeoutMs) ?? Promise.resolve(undefined);
  }

  /** Memory is loaded and follows the log (for tests and diagnostics). */
  get following(): boolean {
    return this.follower?.following ?? false;
  }

  /**
   * Stops following; called before the pool ends. A read of the log stuck on a Postgres that does
   * not answer is left to the pool's own bounded end, which names what was still in use.
   */
  async stop(): Promise<void> {
    if (!this.follower) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.follower.stop(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000))),
    ]).finally(() => clearTimeout(timer));
  }
}
