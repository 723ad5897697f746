import type { InstanceEntry } from '../instances/instance-table';
import type { LiveMigrationResult } from '../layers/layer-driver';
import type { WorkContext } from './work-context';

/**
 * Live-migrates an instance to `target`; the table forgets it once the layer says it moved. A
 * failed migration leaves it in the state it had, still running here.
 */
export async function migrateOut(
  context: WorkContext,
  entry: InstanceEntry,
  target: { host: string; uri: string },
): Promise<Record<string, unknown>> {
  const layer = context.layerOf(entry);
  if (!layer.migrateOut) throw new Error(`layer ${entry.layer} cannot live-migrate`);
  const before = entry.state;
  await context.table.setState(entry, 'migrating');
  let result: LiveMigrationResult;
  try {
    result = await layer.migrateOut(entry.spec.instance, target);
  } catch (error) {
    await context.table.setState(entry, before);
    throw error;
  }
  await context.table.remove(entry, `migrated to ${target.host}`);
  return { ...result };
}
