import { isLive } from '../domain/instance-states';
import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/** Removes an instance from its layer and this host, its files included; the table forgets it. */
export async function destroyInstance(context: WorkContext, entry: InstanceEntry): Promise<void> {
  if (isLive(entry.state)) await context.table.setState(entry, 'stopping');
  await context.layerOf(entry).destroy(entry.spec.instance);
  await context.discardFiles(entry.spec.instance);
  await context.table.remove(entry, 'destroyed');
}
