import type { BackupCopy } from '@federa/contracts';

/** Where supervision learns the newest copy of an instance's data (the agents' backup index). */
export interface BackupCatalog {
  /** The newest copy of `instance`, or undefined when it has none; throws when it cannot tell. */
  newestOf(instance: string): Promise<BackupCopy | undefined>;
}
