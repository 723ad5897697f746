import type { BackupCopy } from '@federa/contracts';

/**
 * The agents' copies of instance data, each in its host's data bucket: where supervision learns the
 * newest copy of an instance (the backup index its agent keeps), and how a copy reaches the host
 * that restores from it (an agent reads its own bucket only).
 */
export interface BackupCatalog {
  /**
   * The newest copy of `instance`, which ran on `host`, or undefined when it has none; throws when
   * it cannot tell.
   */
  newestOf(instance: string, host: string): Promise<BackupCopy | undefined>;
  /**
   * Copies the data stored under `key` from `from`'s bucket into `to`'s (parts `to` holds already
   * are not copied again): `missing` when `from` holds none; throws when it cannot be done now.
   */
  deliver(key: string, from: string, to: string): Promise<'copied' | 'missing'>;
}
