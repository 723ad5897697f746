import type { InstanceSpecPayload } from '@federa/contracts';
import { isLive } from '../domain/instance-states';
import { restoreData } from './import-data';
import type { InstanceEntry } from '../instances/instance-table';
import type { WorkContext } from './work-context';

/**
 * Starts an instance, or answers `alreadyRunning` when it runs and the agent knows it (a start sent
 * again after a restart adopts what runs instead of starting it twice). A failed start leaves the
 * instance `failed` with the layer's reason.
 */
export async function startInstance(
  context: WorkContext,
  entry: InstanceEntry,
  payload: InstanceSpecPayload,
): Promise<Record<string, unknown>> {
  const layer = context.layerOf(entry);
  const current = await layer.status(entry.spec.instance);
  if (current.state === 'running' && isLive(entry.state)) return { alreadyRunning: true };
  // Only an instance new to this host is filled from a copy: a start sent again after it ran here
  // must not put an older copy over the data it wrote since.
  const restore = payload.restoreFrom && !context.table.get(payload.instance);
  entry.spec = context.specOf(payload);
  entry.health = { healthy: undefined, consecutiveFailures: 0 };
  // Starting from here, the restore included: a heartbeat saying `stopped` meanwhile would have
  // supervision record the instance as stopped unexpectedly and replace it.
  await context.table.setState(entry, 'starting');
  if (restore) {
    try {
      await restoreData(context, entry, payload.restoreFrom!);
    } catch (error) {
      await context.table.setState(
        entry,
        'failed',
        `restoring ${payload.restoreFrom}: ${(error as Error).message}`,
      );
      throw error;
    }
  }
  let spawned = false;
  try {
    const status = await layer.start(entry.spec);
    spawned = true;
    entry.handle = status.handle;
    entry.nextProbeAt = context.now();
    if (status.state === 'running') await context.table.setState(entry, 'running');
    // Still starting: no state change to save with, yet the handle must be kept, or a restart now
    // could not adopt what the layer started.
    else await context.table.save();
  } catch (error) {
    let detail = (error as Error).message;
    // The workload runs, but the table on disk cannot say so: a restart would not know it, and the
    // instance reported failed is replaced elsewhere. Stopped here, it cannot run twice.
    if (spawned) {
      detail = `saving the instance table: ${detail}`;
      await layer.stop(entry.spec.instance, { graceMs: 0 }).catch((stopError: unknown) => {
        detail += `; stopping what was started: ${(stopError as Error).message}`;
      });
    }
    await context.table.setState(entry, 'failed', detail);
    throw error;
  }
  return {};
}
