import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@federa/testing';
import type { ProcessFleet } from './supervision-fencing-fleet';
import type { ControlPlane } from './supervision-harness';
import { evolveInstance, isLive, type InstanceView } from '../services/supervision/src';

export const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8');

/** What examples/shop.yaml wants running. */
export const wanted: Record<string, number> = { 'catalog-db': 1, payment: 1, web: 2 };

export type Instance = { id: string; app: string; host: string; state: string };

/**
 * The shop's instances that hold a host as the log says: supervision's own fold of its instance
 * events (not its read model), placed ones included, requested ones not.
 */
export async function liveInstances(plane: ControlPlane): Promise<Instance[]> {
  const views = new Map<string, InstanceView | undefined>();
  for (const e of await plane.events()) {
    if (!e.streamId.startsWith('instance-') || e.data.service !== 'shop') continue;
    const id = e.data.instance as string;
    views.set(id, evolveInstance(views.get(id), { type: e.type, data: e.data, occurredAt: '' }));
  }
  return [...views.values()]
    .filter((v): v is InstanceView => v !== undefined && isLive(v) && v.state !== 'pending')
    .map((v) => ({ id: v.id, app: v.app, host: v.host ?? '', state: v.state }));
}

/**
 * The shop as the spec wants it, checked on the hosts' process tables: every application has its
 * wanted count of healthy instances in the log, and exactly those instances run, each in one
 * process, and nothing else of the fleet's runs. Answers the picture on success.
 */
export async function convergedOnce(
  plane: ControlPlane,
  fleet: ProcessFleet,
  deadlineMs = 90_000,
): Promise<{ instances: Instance[]; running: Map<string, number> }> {
  let last = '';
  try {
    return await eventually<{ instances: Instance[]; running: Map<string, number> } | undefined>(
      async () => {
        const instances = await liveInstances(plane);
        const running = fleet.running();
        last = `log: ${JSON.stringify(instances)}; processes: ${JSON.stringify([...running])}`;
        for (const [app, count] of Object.entries(wanted)) {
          const healthy = instances.filter((i) => i.app === app && i.state === 'healthy');
          if (healthy.length !== count || instances.filter((i) => i.app === app).length !== count)
            return undefined;
        }
        const ids = instances.map((i) => i.id).sort();
        if (JSON.stringify([...running.keys()].sort()) !== JSON.stringify(ids)) return undefined;
        if ([...running.values()].some((n) => n !== 1)) return undefined;
        return { instances, running };
      },
      deadlineMs,
      250,
    ).then((picture) => picture!);
  } catch (error) {
    throw new Error(`the shop did not converge to each wanted instance running once: ${last}`, {
      cause: error,
    });
  }
}

/** Position of the last event in the log. */
export async function lastPosition(plane: ControlPlane): Promise<number> {
  return (await plane.events()).at(-1)?.position ?? 0;
}
