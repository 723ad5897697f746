import { backupIndexKey, newestBackup, type BackupCopy } from '@federa/contracts';
import { StorageType, type NatsConnection, type ObjectStore } from 'nats';
import type { BackupCatalog } from '../supervisor/backup-catalog';

/**
 * The agents' backup indexes in the data bucket (Subjects.dataBucket). The bucket is opened again
 * after any failure: a NATS server that came back without its store has lost it.
 */
export class ObjectStoreBackupCatalog implements BackupCatalog {
  private store: Promise<ObjectStore> | undefined;

  constructor(
    private readonly nc: NatsConnection,
    private readonly bucket: string,
  ) {}

  async newestOf(instance: string): Promise<BackupCopy | undefined> {
    try {
      const blob = await (await this.objectStore()).getBlob(backupIndexKey(instance));
      return blob ? newestBackup(JSON.parse(new TextDecoder().decode(blob))) : undefined;
    } catch (error) {
      this.store = undefined;
      throw error;
    }
  }

  private objectStore(): Promise<ObjectStore> {
    this.store ??= this.nc.jetstream().views.os(this.bucket, { storage: StorageType.File });
    return this.store;
  }
}
