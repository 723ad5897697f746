/**
 * Periodic copies of an instance's data in the data bucket, as agents write them and supervision
 * reads them when it replaces an instance whose host died (docs/adr/instance-backups.md).
 */

/** Copies kept per instance: the newest ones; older ones are deleted as new ones land. */
export const BACKUPS_KEPT = 3;

/** One copy: where it is, when it was taken (ms since the epoch), its size and sha256. */
export interface BackupCopy {
  key: string;
  at: number;
  size: number;
  sha256: string;
}

/** The copies of one instance, newest first, kept beside them under `backupIndexKey`. */
export interface BackupIndex {
  version: 1;
  instance: string;
  copies: BackupCopy[];
}

/** Where the copy of `instance` taken at `at` is stored. */
export function backupKey(instance: string, at: number): string {
  return `backups/${instance}/${String(at).padStart(15, '0')}`;
}

/** When the copy stored under `key` was taken, read from the key; undefined when it is no copy's. */
export function backupTimeOf(key: string): number | undefined {
  const match = /^backups\/[^/]+\/(\d{15})$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** The instance whose copy is stored under `key`; undefined when it is no copy's. */
export function backupInstanceOf(key: string): string | undefined {
  return /^backups\/([^/]+)\/\d{15}$/.exec(key)?.[1];
}

/** Where the index of an instance's copies is stored. */
export function backupIndexKey(instance: string): string {
  return `backups/${instance}/index`;
}

/** The index once `copy` joined it, and the copies it no longer keeps (to delete). */
export function backupIndexWith(
  index: BackupIndex | undefined,
  instance: string,
  copy: BackupCopy,
  kept = BACKUPS_KEPT,
): { index: BackupIndex; dropped: BackupCopy[] } {
  const copies = [copy, ...(index?.copies ?? []).filter((c) => c.key !== copy.key)].sort(
    (a, b) => b.at - a.at,
  );
  return {
    index: { version: 1, instance, copies: copies.slice(0, kept) },
    dropped: copies.slice(kept),
  };
}

/**
 * The newest copy of `instance` an index names, when what was read is an index at all. The index is
 * written by the agent of the instance's host, and supervision copies what it names into another
 * host's bucket: a copy whose key is another instance's (`backupInstanceOf`) is never answered.
 */
export function newestBackup(read: unknown, instance: string): BackupCopy | undefined {
  if (typeof read !== 'object' || read === null) return undefined;
  const copies = (read as Partial<BackupIndex>).copies;
  if (!Array.isArray(copies)) return undefined;
  return copies
    .filter(
      (c): c is BackupCopy =>
        typeof c === 'object' &&
        c !== null &&
        typeof (c as BackupCopy).key === 'string' &&
        backupInstanceOf((c as BackupCopy).key) === instance &&
        Number.isFinite((c as BackupCopy).at),
    )
    .sort((a, b) => b.at - a.at)[0];
}
