import { isLive } from '../domain/instance-states';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import type { InstanceTable } from './instance-table';

/**
 * Loads the persisted instance table and squares it with what still runs: every instance is
 * re-adopted by its layer; one that should run and was adopted is reported as it was, one that
 * should run and is gone (or whose layer this host no longer offers) is reported failed.
 */
export async function reconcileAfterRestart(
  table: InstanceTable,
  layers: ReadonlyMap<LayerKind, LayerDriver>,
): Promise<void> {
  for (const entry of await table.load()) {
    const layer = layers.get(entry.layer);
    // Adopted even when not meant to run: its layer must know it to export, import or destroy it.
    const alive = layer ? await layer.adopt(entry.spec, entry.handle).catch(() => false) : false;
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
  await table.save();
}
