import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/** Grace of a stop that names none (a stop command without one, a stop resumed after a restart). */
export const defaultStopGraceMs = 10_000;

/**
 * Stops an instance (its layer kills it after `graceMs`); a stopped one stays as it is. A stop the
 * layer refuses puts the instance back in the state it had, so that the watch looks at it again.
 */
export async function stopInstance(
  context: Pick<WorkContext, 'table' | 'layerOf'>,
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
