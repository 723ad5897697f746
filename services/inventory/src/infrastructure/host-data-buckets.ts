import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Subjects } from '@federa/contracts';
import { connectNats, ensureHostDataBucket } from '@federa/messaging';
import type { NatsConnection } from 'nats';
import type { InventoryConfig } from '../inventory-config';
import { INVENTORY_CONFIG } from './inventory-tokens';

/**
 * Creates the data bucket of each registering host (`Subjects.dataBucketOf`) with the one fixed
 * configuration of host-data-bucket.ts, since agents may not create streams. Idempotent: every
 * registration checks it again, so a bucket not made once (JetStream away) is made at the host's
 * next registration. Hosts of the `sim` layer alone get none: the simulator makes its own, and
 * thousands of simulated hosts would otherwise mean thousands of streams.
 */
@Injectable()
export class HostDataBuckets implements OnModuleDestroy {
  private readonly logger = new Logger('HostDataBuckets');
  private readonly subjects: Subjects;
  private connection: Promise<NatsConnection> | undefined;

  constructor(@Inject(INVENTORY_CONFIG) private readonly config: InventoryConfig) {
    this.subjects = new Subjects(config.federa.subjectPrefix);
  }

  /**
   * Makes sure `host`'s bucket exists. Never throws: the registration it follows is recorded
   * already and is answered all the same; a failure is logged, the agent's exports and backups
   * fail (naming the missing bucket) until a later registration makes it.
   */
  async ensureFor(host: string, layers: readonly string[]): Promise<void> {
    if (layers.every((layer) => layer === 'sim')) return;
    const bucket = this.subjects.dataBucketOf(host);
    try {
      const nc = await this.nats();
      await ensureHostDataBucket(await nc.jetstreamManager(), bucket, {
        replicas: this.config.dataBucketReplicas,
      });
    } catch (error) {
      this.logger.warn(
        `data bucket ${bucket} of host ${host} not created (retried at its next registration): ${String(error)}`,
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    const nc = await this.connection?.catch(() => undefined);
    await nc?.close();
  }

  private nats(): Promise<NatsConnection> {
    this.connection ??= connectNats(this.config.federa.natsUrl, 'federa-inventory-buckets').catch(
      (error: unknown) => {
        this.connection = undefined;
        throw error;
      },
    );
    return this.connection;
  }
}
