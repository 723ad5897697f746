import { backupIndexKey, newestBackup, type BackupCopy, type Subjects } from '@federa/contracts';
import { copyStoredData, existingObjectStore, StoredDataMissing } from '@federa/messaging';
import type { NatsConnection } from 'nats';
import type { BackupCatalog } from '../supervisor/backup-catalog';

/**
 * The agents' backups in their hosts' data buckets (Subjects.dataBucketOf). A host's bucket is
 * read, never created here: a host that never stored data has no copies.
 */
export class ObjectStoreBackupCatalog implements BackupCatalog {
  constructor(
    private readonly nc: NatsConnection,
    private readonly subjects: Subjects,
    /** Copies of a target bucket a delivery creates (`FEDERA_STREAM_REPLICAS`); @default 1 */
    private readonly dataBucketReplicas?: number,
  ) {}

  async newestOf(instance: string, host: string): Promise<BackupCopy | undefined> {
    const store = await existingObjectStore(this.nc.jetstream(), this.subjects.dataBucketOf(host));
    const blob = await store?.getBlob(backupIndexKey(instance));
    return blob ? newestBackup(JSON.parse(new TextDecoder().decode(blob)), instance) : undefined;
  }

  async deliver(key: string, from: string, to: string): Promise<'copied' | 'missing'> {
    try {
      await copyStoredData(
        this.nc.jetstream(),
        this.subjects.dataBucketOf(from),
        this.subjects.dataBucketOf(to),
        key,
        { replicas: this.dataBucketReplicas },
      );
      return 'copied';
    } catch (error) {
      if (error instanceof StoredDataMissing) return 'missing';
      throw error;
    }
  }
}
