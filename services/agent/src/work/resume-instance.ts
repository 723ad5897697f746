import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/**
 * Makes the instance held here run again: a paused one is resumed where it stands (its memory as it
 * was), a running one answers `alreadyRunning`. Anything else fails naming its state, and nothing is
 * started: a rollback asks this to learn whether this host still holds a copy that can run, and a
 * fresh start from older files would pass for one.
 */
export async function resumeInstance(
  context: WorkContext,
  entry: InstanceEntry,
): Promise<Record<string, unknown>> {
  const layer = context.layerOf(entry);
  const instance = entry.spec.instance;
  const current = await layer.status(instance);
  if (current.state === 'running') {
    if (entry.state !== 'running' && entry.state !== 'healthy' && entry.state !== 'unhealthy') {
      await context.table.setState(entry, 'running');
    }
    return { alreadyRunning: true };
  }
  if (current.state !== 'paused' || !layer.resume) {
    const detail = current.detail ? ` (${current.detail})` : '';
    throw new Error(`instance ${instance} is ${current.state} here${detail}: nothing to resume`);
  }
  await layer.resume(instance);
  await context.table.setState(entry, 'running');
  return { resumed: true };
}
