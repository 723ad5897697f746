import { randomUUID } from 'node:crypto';
import {
  newEvent,
  parseServiceSpec,
  streamIds,
  type EventMetadata,
  type HostRegisteredData,
  type ServiceSpec,
} from '@federa/contracts';
import type { EventStore } from '@federa/eventstore';

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
