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
  const download = await context
    .dataTransfer()
    .download(key, (bytes) =>
      reportProgress(context, entry, 'import-data', `${bytes} bytes received`),
    );
  await context.layerOf(entry).importData(entry.spec, download.stream);
  await download.done();
  context.table.touch();
  return { key };
}
