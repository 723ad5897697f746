import { ValidationFailed } from '../validation/field-error';
import { newEvent } from './new-event';
import { validateEvent } from './validate-event';

const resources = {
  cpuMillis: 500,
  memoryBytes: 2 ** 27,
  storageBytes: 2 ** 30,
  bandwidthBps: 1e8,
};

const hostRegistered = {
  host: 'mph-1',
  site: 'geneva',
  securityLevel: 3,
  layers: ['process', 'qemu'],
  capacity: {
    cpuMillis: 8000,
    memoryBytes: 32 * 2 ** 30,
    storageBytes: 500 * 2 ** 30,
    bandwidthBps: 1e10,
  },
  costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
  features: { ups: true, raid: true },
  labels: { rack: 'r1' },
  epoch: 1,
};

const instancePlaced = {
  service: 'shop',
  app: 'web',
  instance: 'shop-web-1',
  host: 'mph-1',
  layer: 'process',
  resources,
  scores: { total: 0.82, byScorer: { cost: 0.5, emphasis: 0.32 } },
  hostsConsidered: 12,
  hostEpoch: 3,
  costPerHour: 0.03,
};

describe('validateEvent', () => {
  it('accepts well-formed data of the current version', () => {
    expect(validateEvent('HostRegistered', 1, hostRegistered)).toEqual([]);
    expect(validateEvent('InstancePlaced', 2, instancePlaced)).toEqual([]);
  });

  it('names `type` when the type is unknown', () => {
    expect(validateEvent('HostExploded', 1, {})).toEqual([
      { path: 'type', reason: 'unknown event type "HostExploded"' },
    ]);
  });

  it('names `schemaVersion` when the version is newer than this build knows', () => {
    expect(validateEvent('HostRegistered', 2, hostRegistered)).toEqual([
      { path: 'schemaVersion', reason: 'HostRegistered v2 is newer than this build knows (v1)' },
    ]);
    expect(validateEvent('HostRegistered', 0, hostRegistered)).toEqual([
      { path: 'schemaVersion', reason: 'must be a positive integer' },
    ]);
  });

  it('lists every error of the data under `data.`, nested ones included', () => {
    const errors = validateEvent('HostRegistered', 1, {
      ...hostRegistered,
      layers: ['process', 'docker'],
      capacity: { ...hostRegistered.capacity, cpuMillis: -1, gpus: 2 },
      costs: { ...hostRegistered.costs, cpuHour: 'cheap' },
      epoch: undefined,
    });
    expect(errors.map((e) => e.path).sort()).toEqual([
      'data.capacity.cpuMillis',
      'data.capacity.gpus',
      'data.costs.cpuHour',
      'data.epoch',
      'data.layers',
    ]);
  });

  it('requires the instance fields every instance event promises, host only once placed', () => {
    const requested = {
      service: 'shop',
      app: 'web',
      instance: 'shop-web-1',
      layer: 'process',
      resources,
      revision: 1,
      reason: 'deploy',
    };
    expect(validateEvent('InstanceRequested', 1, requested)).toEqual([]);
    const { host: _host, ...unplaced } = instancePlaced;
    expect(validateEvent('InstancePlaced', 2, unplaced)).toEqual([
      { path: 'data.host', reason: expect.any(String) },
    ]);
    expect(
      validateEvent('InstanceHealthy', 1, { service: 'shop', app: 'web' }).map((e) => e.path),
    ).toEqual(expect.arrayContaining(['data.instance', 'data.host']));
  });

  it('checks the service spec carried by ServiceDefined', () => {
    const errors = validateEvent('ServiceDefined', 1, {
      service: 'shop',
      revision: 1,
      spec: {
        apiVersion: 'federa/v1',
        kind: 'Service',
        metadata: { name: 'shop' },
        spec: { applications: [{}] },
      },
    });
    expect(errors.map((e) => e.path)).toEqual(
      expect.arrayContaining([
        'data.spec.spec.applications[0].name',
        'data.spec.spec.applications[0].layer',
      ]),
    );
  });

  it('validates an older version after upcasting it', () => {
    const { scores: _scores, ...v1 } = instancePlaced;
    expect(validateEvent('InstancePlaced', 1, { ...v1, score: 0.82 })).toEqual([]);
  });
});

describe('newEvent', () => {
  const metadata = { correlationId: 'c-1', actor: 'test', occurredAt: '2025-01-01T00:00:00.000Z' };

  it('stamps the current schema version', () => {
    const event = newEvent('InstancePlaced', instancePlaced as never, metadata);
    expect(event).toEqual({
      type: 'InstancePlaced',
      schemaVersion: 2,
      data: instancePlaced,
      metadata,
    });
  });

  it('throws ValidationFailed listing every bad field', () => {
    expect(() => newEvent('HostCordoned', { host: '' }, metadata)).toThrow(ValidationFailed);
  });
});
