import { randomUUID } from 'node:crypto';
import {
  newEvent,
  parseServiceSpec,
  streamIds,
  type EventMetadata,
  type HostRegisteredData,
  type LayerKind,
  type ServiceSpec,
} from '@federa/contracts';
import type { EventStore, StreamAppend } from '@federa/eventstore';
import type { PlacementRequest } from '../domain/placement-request';
import { amountsOf } from '../domain/resource-amounts';

const GiB = 1024 ** 3;

export function testMetadata(): EventMetadata {
  return { correlationId: randomUUID(), actor: 'test', occurredAt: new Date().toISOString() };
}

/** HostRegistered data with generous defaults; tests override what they are about. */
export function hostRegistered(
  host: string,
  overrides: Partial<HostRegisteredData> = {},
): HostRegisteredData {
  return {
    host,
    site: 'geneva',
    securityLevel: 3,
    layers: ['process', 'sim'],
    capacity: {
      cpuMillis: 4000,
      memoryBytes: 16 * GiB,
      storageBytes: 200 * GiB,
      bandwidthBps: 10_000_000_000,
    },
    costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
    features: { ups: false, raid: false },
    epoch: 1,
    ...overrides,
  };
}

/** Appends the hosts' registrations to their `host-<id>` streams. */
export async function registerHosts(store: EventStore, hosts: HostRegisteredData[]): Promise<void> {
  for (const host of hosts) {
    await store.append(streamIds.host(host.host), 'any', [
      newEvent('HostRegistered', host, testMetadata()),
    ]);
  }
}

/** Parses a YAML spec, throwing with every error when it is invalid. */
export function specOf(yaml: string): ServiceSpec {
  const parsed = parseServiceSpec(yaml, 'yaml');
  if (!parsed.ok) throw new Error(`invalid test spec: ${JSON.stringify(parsed.errors)}`);
  return parsed.value.spec;
}

/** Appends ServiceDefined for the spec, as supervision does on `PUT /v1/services/{name}`. */
export async function defineService(store: EventStore, spec: ServiceSpec): Promise<void> {
  await store.append(streamIds.service(spec.metadata.name), 'any', [
    newEvent('ServiceDefined', { service: spec.metadata.name, spec, revision: 1 }, testMetadata()),
  ]);
}

/**
 * Appends InstanceRequested for each request (new streams), as supervision does: placement places
 * only pending instances.
 */
export async function requestInstances(
  store: EventStore,
  requests: readonly PlacementRequest[],
): Promise<void> {
  const appends: StreamAppend[] = requests.map((r) => ({
    streamId: streamIds.instance(r.instance),
    expected: 'no-stream',
    events: [
      newEvent(
        'InstanceRequested',
        {
          service: r.service,
          app: r.app,
          instance: r.instance,
          layer: r.layer as LayerKind,
          resources: amountsOf(r.resources),
          revision: 1,
          reason: 'deploy',
        },
        testMetadata(),
      ),
    ],
  }));
  for (let i = 0; i < appends.length; i += 500) {
    const slice = appends.slice(i, i + 500);
    if (store.appendMany) await store.appendMany(slice);
    else for (const a of slice) await store.append(a.streamId, a.expected, a.events);
  }
}
