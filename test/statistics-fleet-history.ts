// A fleet's history for the statistics specs: hosts, a service and its instances placed, moved and
// stopped, appended to the log as the control plane would (every event checked by the contracts).
import { randomUUID } from 'node:crypto';
import {
  newEvent,
  parseServiceSpec,
  streamIds,
  type EventMetadata,
  type NewEvent,
} from '@federa/contracts';
import type { EventStore } from '@federa/eventstore';

const GiB = 1024 ** 3;

const metadata = (): EventMetadata => ({
  correlationId: randomUUID(),
  actor: 'test',
  occurredAt: new Date().toISOString(),
});

export function hostsOf(count: number, label = 'h'): string[] {
  return Array.from({ length: count }, (_, i) => `${label}-${i + 1}`);
}

export async function registerHosts(store: EventStore, hosts: string[]): Promise<void> {
  for (const [i, host] of hosts.entries()) {
    await store.append(streamIds.host(host), 'any', [
      newEvent(
        'HostRegistered',
        {
          host,
          site: i % 2 === 0 ? 'geneva' : 'lausanne',
          securityLevel: 2,
          layers: ['sim'],
          capacity: {
            cpuMillis: 16_000,
            memoryBytes: 64 * GiB,
            storageBytes: 500 * GiB,
            bandwidthBps: 1e9,
          },
          costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
          features: { ups: i % 3 === 0, raid: i % 2 === 1 },
          epoch: 1,
        },
        metadata(),
      ),
    ]);
  }
}

export async function defineService(store: EventStore, name: string, maxCostPerHour: number) {
  const parsed = parseServiceSpec(
    [
      'apiVersion: federa/v1',
      'kind: Service',
      `metadata: { name: ${name} }`,
      'spec:',
      '  applications:',
      '    - { name: web, layer: sim, artifact: { command: [web] }, resources: { cpu: 250m, memory: 256Mi } }',
      `  budget: { maxCostPerHour: ${maxCostPerHour} }`,
    ].join('\n'),
    'yaml',
  );
  if (!parsed.ok) throw new Error(`invalid test spec: ${JSON.stringify(parsed.errors)}`);
  const spec = parsed.value.spec;
  await store.append(streamIds.service(name), 'any', [
    newEvent('ServiceDefined', { service: name, spec, revision: 1 }, metadata()),
  ]);
}

/**
 * One instance's life: requested and placed on `host`, then moved to each of `movesTo` in turn,
 * then stopped when `stop`; 2 + moves (+1) events on its own stream.
 */
export async function instanceLife(
  store: EventStore,
  instance: string,
  service: string,
  host: string,
  movesTo: string[] = [],
  stop = false,
): Promise<void> {
  const base = { service, app: 'web', instance };
  const resources = {
    cpuMillis: 250,
    memoryBytes: 256 * 1024 ** 2,
    storageBytes: 0,
    bandwidthBps: 0,
  };
  const events: NewEvent[] = [
    newEvent(
      'InstanceRequested',
      { ...base, layer: 'sim', resources, revision: 1, reason: 'deploy' },
      metadata(),
    ),
    newEvent(
      'InstancePlaced',
      {
        ...base,
        host,
        layer: 'sim',
        resources,
        scores: { total: 1, byScorer: {} },
        hostsConsidered: 1,
        hostEpoch: 1,
        costPerHour: 0.0113,
      },
      metadata(),
    ),
  ];
  let from = host;
  for (const [i, to] of movesTo.entries()) {
    events.push(
      newEvent(
        'InstanceRelocated',
        { ...base, host: to, from, migration: `m-${instance}-${i}` },
        metadata(),
      ),
    );
    from = to;
  }
  if (stop)
    events.push(
      newEvent('InstanceStopped', { ...base, host: from, reason: 'requested' }, metadata()),
    );
  await store.append(streamIds.instance(instance), 'no-stream', events);
}

/**
 * A fleet of `hosts` hosts and one service `shop` whose `instances` instances each move once (every
 * third moves twice), every fifth then stopped: about 3.5 events per instance.
 */
export async function appendFleetHistory(
  store: EventStore,
  options: { hosts: number; instances: number; label?: string },
): Promise<void> {
  const hosts = hostsOf(options.hosts, options.label);
  await registerHosts(store, hosts);
  await defineService(store, 'shop', 2.5);
  for (let i = 0; i < options.instances; i++) {
    const at = (k: number) => hosts[(i + k) % hosts.length];
    const moves = i % 3 === 0 ? [at(1), at(2)] : [at(1)];
    await instanceLife(store, `${options.label ?? 'web'}-${i}`, 'shop', at(0), moves, i % 5 === 0);
  }
}
