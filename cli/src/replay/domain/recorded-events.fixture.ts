import type { RecordedEvent } from '@federa/contracts';

const capacity = { cpuMillis: 4000, memoryBytes: 8e9, storageBytes: 1e11, bandwidthBps: 1e9 };
const costs = { cpuHour: 0.01, memoryGiBHour: 0.001, storageGiBMonth: 0.02, networkGiB: 0.01 };

/** A small recorded log: events of the types given, numbered from position 1, a second apart. */
export class RecordedLog {
  readonly events: RecordedEvent[] = [];

  add(
    type: string,
    streamId: string,
    data: Record<string, unknown>,
    metadata: Partial<RecordedEvent['metadata']> = {},
  ): this {
    const position = this.events.length + 1;
    this.events.push({
      position,
      streamId,
      streamVersion: this.events.filter((e) => e.streamId === streamId).length + 1,
      type,
      schemaVersion: 1,
      data,
      metadata: {
        correlationId: `c${position}`,
        actor: 'supervision',
        occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, position)).toISOString(),
        ...metadata,
      },
      eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      recordedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, position)).toISOString(),
    });
    return this;
  }

  host(host: string): this {
    return this.add(
      'HostRegistered',
      `host-${host}`,
      {
        host,
        site: 'geneva',
        securityLevel: 1,
        layers: ['sim'],
        capacity,
        costs,
        features: { ups: false, raid: false },
        epoch: 1,
      },
      { actor: `agent:${host}` },
    );
  }

  /** A command of the token `admin`, as the API records it. */
  byUser(type: string, streamId: string, data: Record<string, unknown>): this {
    return this.add(type, streamId, data, { actor: 'token:admin' });
  }

  instance(instance: string, service: string, app: string, ...states: string[]): this {
    this.add('InstanceRequested', `instance-${instance}`, {
      instance,
      service,
      app,
      layer: 'sim',
      revision: 1,
      resources: { cpuMillis: 100, memoryBytes: 1e6, storageBytes: 0, bandwidthBps: 0 },
    });
    for (const type of states) this.add(type, `instance-${instance}`, { instance });
    return this;
  }
}

export const serviceSpec = (name: string) => ({
  apiVersion: 'federa/v1',
  kind: 'Service',
  metadata: { name },
  spec: {
    applications: [
      {
        name: 'web',
        layer: 'sim',
        resources: { cpu: '100m', memory: '16Mi' },
        replicas: { min: 1 },
      },
    ],
  },
});
