import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/** Stops an instance (its layer kills it after `graceMs`); a stopped one stays as it is. */
export async function stopInstance(
  context: WorkContext,
  entry: InstanceEntry,
  graceMs: number,
): Promise<void> {
  if (entry.state === 'stopped') return;
  await context.table.setState(entry, 'stopping');
  await context.layerOf(entry).stop(entry.spec.instance, { graceMs });
  entry.load = undefined;
  entry.usage = undefined;
  await context.table.setState(entry, 'stopped');
}
