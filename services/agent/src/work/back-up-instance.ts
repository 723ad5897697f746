import { backupIndexKey, backupIndexWith, backupKey, type BackupIndex } from '@federa/contracts';
import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/**
 * Copies a running instance's data to the data bucket under a key of its own and the time, then
 * names the copy first in the instance's backup index and deletes the copies the index no longer
 * keeps. The instance keeps running: the copy is what its files hold on disk meanwhile.
 */
export async function backUpInstance(
  context: WorkContext,
  entry: InstanceEntry,
  at: number,
): Promise<Record<string, unknown>> {
  const { instance } = entry.spec;
  const data = context.dataTransfer();
  const key = backupKey(instance, at);
  const source = await context.layerOf(entry).exportData(instance);
  const stored = await data.upload(key, source);
  const copy = { key, at, size: stored.size, sha256: stored.sha256 };
  const read = (await data.readDocument(backupIndexKey(instance))) as BackupIndex | undefined;
  const { index, dropped } = backupIndexWith(
    read?.version === 1 ? read : undefined,
    instance,
    copy,
  );
  // The index is written before any old copy goes: a reader never finds it naming a deleted one.
  await data.writeDocument(backupIndexKey(instance), index);
  for (const old of dropped) await data.remove(old.key);
  return copy;
}
