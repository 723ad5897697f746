import { streamIds, type NewEvent } from '@federa/contracts';
import type { EventStore } from '@federa/eventstore';

/** The instance the migration specs move, and what every event of theirs carries. */
export const ref = { service: 'shop', app: 'db', instance: 'shop-db-a1b2c3' };
export const resources = {
  cpuMillis: 500,
  memoryBytes: 134217728,
  storageBytes: 0,
  bandwidthBps: 0,
};
export const metadata = {
  actor: 'test',
  correlationId: 'c-1',
  occurredAt: new Date(0).toISOString(),
};

/** Records `ref` requested, placed on host-a and healthy there: five events, its stream at version 5. */
export async function healthyOnHostA(store: EventStore): Promise<void> {
  const at = { ...ref, host: 'host-a' };
  const events: NewEvent[] = [
    {
      type: 'InstanceRequested',
      data: { ...ref, layer: 'process', resources, revision: 1, reason: 'deploy' },
      metadata,
    },
    {
      type: 'InstancePlaced',
      data: {
        ...at,
        layer: 'process',
        resources,
        scores: { total: 1, byScorer: {} },
        hostsConsidered: 2,
        hostEpoch: 1,
        costPerHour: 0.1,
      },
      metadata,
    },
    { type: 'InstanceStarting', data: { ...at, layer: 'process' }, metadata },
    { type: 'InstanceRunning', data: at, metadata },
    { type: 'InstanceHealthy', data: at, metadata },
  ];
  await store.append(streamIds.instance(ref.instance), 'no-stream', events);
}

/** Records `ref` moving from host-a to host-b under migration m-1, after `healthyOnHostA`. */
export async function migratingToHostB(store: EventStore): Promise<void> {
  await store.append(streamIds.instance(ref.instance), 5, [
    {
      type: 'InstanceMigrating',
      data: { ...ref, host: 'host-a', migration: 'm-1', to: 'host-b' },
      metadata,
    },
  ]);
}
