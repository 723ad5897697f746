import type { InstanceEntry } from '../instances/instance-table';
import { reportProgress, type WorkContext } from './work-context';

/** Streams the instance's data from its layer into the data bucket under `key`. */
export async function exportData(
  context: WorkContext,
  entry: InstanceEntry,
  key: string,
): Promise<Record<string, unknown>> {
  const source = await context.layerOf(entry).exportData(entry.spec.instance);
  const stored = await context
    .dataTransfer()
    .upload(key, source, (bytes) =>
      reportProgress(context, entry, 'export-data', `${bytes} bytes stored`),
    );
  return { ...stored };
}
