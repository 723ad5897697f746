import { isLive } from '../domain/instance-states';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import { defaultStopGraceMs, stopInstance } from '../work/stop-instance';
import { adoptOrphans, type StopUnderWay } from './adopt-orphans';
import type { InstanceEntry, InstanceTable } from './instance-table';

/**
 * Loads the persisted instance table and squares it with what still runs: every instance is
 * re-adopted by its layer; then, with `instancesDir`, the workloads running for this host that the
 * table's handles did not lead to are adopted or stopped (adoptOrphans); one that should run and was
 * adopted is reported as it was, one that should run and is gone (or whose layer this host no longer
 * offers) is reported failed. A stop the agent went down in the middle of is finished (see
 * finishInterruptedStop).
 *
 * Answers the stops it began (orphans, interrupted stops) without waiting for them: the agent
 * registers meanwhile, and holds any command on those instances until their stop is done.
 */
export async function reconcileAfterRestart(
  table: InstanceTable,
  layers: ReadonlyMap<LayerKind, LayerDriver>,
  instancesDir?: string,
): Promise<StopUnderWay[]> {
  const entries = await table.load();
  const stops: StopUnderWay[] = [];
  const adopted = new Set<InstanceEntry>();
  for (const entry of entries) {
    const layer = layers.get(entry.layer);
    // Adopted even when not meant to run: its layer must know it to export, import or destroy it.
    const alive = layer ? await layer.adopt(entry.spec, entry.handle).catch(() => false) : false;
    if (alive) adopted.add(entry);
  }
  if (instancesDir) {
    const orphans = await adoptOrphans(entries, adopted, layers, instancesDir);
    for (const entry of orphans.adopted) adopted.add(entry);
    stops.push(...orphans.stopped);
    // Their handles on disk before any report says they run (see InstanceTable).
    if (orphans.adopted.length > 0) await table.save();
  }
  for (const entry of entries) {
    const layer = layers.get(entry.layer);
    const alive = adopted.has(entry);
    if (entry.state === 'stopping') {
      const done = finishInterruptedStop(table, entry, alive ? layer : undefined);
      stops.push({ instance: entry.spec.instance, why: 'its stop was interrupted', done });
      continue;
    }
    if (!isLive(entry.state)) continue;
    if (alive) {
      table.announce(entry, 'adopted after an agent restart');
    } else {
      await table.setState(
        entry,
        'failed',
        layer ? 'ended while the agent was down' : `layer ${entry.layer} is gone`,
      );
    }
  }
  // Nothing here claims a process runs (adoptions were saved above): a table that cannot be saved
  // now (a full disk) must not keep the agent from registering; the table retries the save.
  await table.save().catch(() => undefined);
  return stops;
}

/**
 * Ends a stop the agent was interrupted in, as a stop command ends: through its layer (`alive`:
 * the one that still runs it), then reported stopped. The command that asked it was answered
 * before the restart, and its resend is answered from the saved answers without any work: left
 * `stopping`, the instance would run on, reported stopping in every heartbeat, and never end. A
 * layer that refuses the stop leaves it stopping (stopInstance puts it back), for a later stop.
 */
async function finishInterruptedStop(
  table: InstanceTable,
  entry: InstanceEntry,
  alive: LayerDriver | undefined,
): Promise<void> {
  if (!alive) {
    await table.setState(entry, 'stopped', 'ended while the agent was down');
    return;
  }
  await stopInstance({ table, layerOf: () => alive }, entry, defaultStopGraceMs).catch(() => {});
}
