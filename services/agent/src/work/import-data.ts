import type { InstanceSpecPayload } from '@federa/contracts';
import type { InstanceEntry } from '../instances/instance-table';
import { reportProgress, type WorkContext } from './work-context';

/**
 * Fills a stopped (or new) instance with the data stored under `key`. The instance joins the table
 * before the transfer, so that a restart in the middle still knows where its data belongs.
 */
export async function importData(
  context: WorkContext,
  entry: InstanceEntry,
  payload: InstanceSpecPayload,
  key: string,
): Promise<Record<string, unknown>> {
  entry.spec = context.specOf(payload);
  await context.table.put(entry);
  await restoreData(context, entry, key, 'import-data');
  return { key };
}

/** Downloads the copy under `key` into the (stopped) instance's data through its layer. */
export async function restoreData(
  context: WorkContext,
  entry: InstanceEntry,
  key: string,
  command = 'start',
): Promise<void> {
  const download = await context
    .dataTransfer()
    .download(key, (bytes) => reportProgress(context, entry, command, `${bytes} bytes received`));
  await context.layerOf(entry).importData(entry.spec, download.stream);
  await download.done();
  context.table.touch();
}
