import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/**
 * Stops an instance (its layer kills it after `graceMs`); a stopped one stays as it is. A stop the
 * layer refuses puts the instance back in the state it had, so that the watch looks at it again.
 */
export async function stopInstance(
  context: WorkContext,
  entry: InstanceEntry,
  graceMs: number,
): Promise<void> {
  if (entry.state === 'stopped') return;
  const before = entry.state;
  await context.table.setState(entry, 'stopping');
  try {
    await context.layerOf(entry).stop(entry.spec.instance, { graceMs });
  } catch (error) {
    await context.table.setState(entry, before, (error as Error).message);
    throw error;
  }
  entry.load = undefined;
  entry.usage = undefined;
  await context.table.setState(entry, 'stopped');
}
