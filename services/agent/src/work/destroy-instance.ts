import { isLive } from '../domain/instance-states';
import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/**
 * Removes an instance from its layer and this host, its files included; the table forgets it. A
 * destroy the layer refuses puts the instance back in the state it had.
 */
export async function destroyInstance(context: WorkContext, entry: InstanceEntry): Promise<void> {
  const before = entry.state;
  if (isLive(before)) await context.table.setState(entry, 'stopping');
  try {
    await context.layerOf(entry).destroy(entry.spec.instance);
  } catch (error) {
    await context.table.setState(entry, before, (error as Error).message);
    throw error;
  }
  await context.discardFiles(entry.spec.instance);
  await context.table.remove(entry, 'destroyed');
}
