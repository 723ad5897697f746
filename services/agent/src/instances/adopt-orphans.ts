import { orphanVerdict } from '../domain/orphan-verdict';
import type { LayerDriver, LayerKind } from '../layers/layer-driver';
import { defaultStopGraceMs } from '../work/stop-instance';
import type { InstanceEntry } from './instance-table';

/** A stop of a workload the agent began at a restart: `done` settles once it is gone (or left). */
export interface StopUnderWay {
  instance: string;
  why: string;
  done: Promise<void>;
}

/** What adoptOrphans did: the entries it adopted a workload for, and the stops it began. */
export interface OrphansSettled {
  adopted: InstanceEntry[];
  stopped: StopUnderWay[];
}

/**
 * Squares the workloads running on this host with the table after a restart: every workload a
 * layer finds (findWorkloads) that is not the process the table's handle re-adopted is an orphan,
 * adopted for an instance the table says runs here and has no live process for (its entry takes
 * the workload's handle), else stopped (orphanVerdict says why stopping is the safe side). Stops
 * are begun, not awaited: one that handles SIGTERM slowly must not keep the agent from registering
 * (the host would be declared down); the caller holds work on their instances until they end. A
 * workload stopped is never in the table as running, so it is never announced as running.
 *
 * `adoptedByHandle`: the entries whose saved handle the layer re-adopted.
 */
export async function adoptOrphans(
  entries: readonly InstanceEntry[],
  adoptedByHandle: ReadonlySet<InstanceEntry>,
  layers: ReadonlyMap<LayerKind, LayerDriver>,
  instancesDir: string,
): Promise<OrphansSettled> {
  const settled: OrphansSettled = { adopted: [], stopped: [] };
  const byInstance = new Map(entries.map((entry) => [entry.spec.instance, entry]));
  for (const layer of layers.values()) {
    if (!layer.findWorkloads || !layer.stopFound) continue;
    for (const found of await layer.findWorkloads(instancesDir)) {
      const entry = byInstance.get(found.instance);
      const mine = entry?.layer === layer.kind ? entry : undefined;
      if (mine && adoptedByHandle.has(mine) && sameHandle(mine.handle, found.handle)) continue;
      const verdict = orphanVerdict(
        mine && {
          state: mine.state,
          adoptedByHandle: adoptedByHandle.has(mine),
          adoptedOrphan: settled.adopted.includes(mine),
        },
      );
      if (verdict.kind === 'adopt' && mine && (await layer.adopt(mine.spec, found.handle))) {
        mine.handle = found.handle;
        settled.adopted.push(mine);
        continue;
      }
      const why = verdict.kind === 'stop' ? verdict.why : 'its layer could not adopt it';
      const done = layer.stopFound(found, { graceMs: defaultStopGraceMs });
      settled.stopped.push({ instance: found.instance, why, done });
    }
  }
  return settled;
}

/** The same process: what a handle's pid and start time say (the port may differ in form). */
function sameHandle(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Number(a.pid) === Number(b.pid) && Number(a.startTime) === Number(b.startTime);
}
