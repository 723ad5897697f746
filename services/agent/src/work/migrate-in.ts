import type { InstanceSpecPayload } from '@federa/contracts';
import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/**
 * Prepares this host to receive a live migration and answers where the source must send it. The
 * instance stays `migrating` until its layer says it runs (the watch sees to that).
 */
export async function migrateIn(
  context: WorkContext,
  entry: InstanceEntry,
  payload: InstanceSpecPayload,
): Promise<Record<string, unknown>> {
  const layer = context.layerOf(entry);
  if (!layer.migrateIn) throw new Error(`layer ${entry.layer} cannot receive a live migration`);
  entry.spec = context.specOf(payload);
  await context.table.setState(entry, 'migrating');
  const { uri } = await layer.migrateIn(entry.spec);
  return { uri };
}
