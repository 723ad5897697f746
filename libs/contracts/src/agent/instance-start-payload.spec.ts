import type { NormalisedApplication } from '../spec/normalised-service-spec';
import type { ServiceEndpoints } from '../discovery/service-endpoints';
import { instanceStartPayload } from './instance-start-payload';

const app = (overrides: Partial<NormalisedApplication> = {}): NormalisedApplication => ({
  name: 'db',
  layer: 'process',
  artifact: { command: ['kv-store'], env: { MODE: 'primary' } },
  resources: { cpuMillis: 250, memoryBytes: 1024, storageBytes: 0, bandwidthBps: 0 },
  replicas: { min: 1, max: 1 },
  dependsOn: [],
  health: { probe: { kind: 'http', path: '/health' }, intervalMs: 2000, failureThreshold: 3 },
  scaling: null,
  placement: { emphasis: null, minSecurityLevel: 0, sites: null, relocatable: true },
  data: { path: 'd', sizeBytes: null, backupEveryMs: 60000 },
  ...overrides,
});

describe('the start spec an agent gets for an instance', () => {
  it('carries the artifact without its env, the env, resources, probe and backup cadence', () => {
    expect(instanceStartPayload('shop', 'shop-db-1', app())).toEqual({
      instance: 'shop-db-1',
      service: 'shop',
      app: 'db',
      layer: 'process',
      artifact: { command: ['kv-store'] },
      env: { MODE: 'primary' },
      resources: { cpuMillis: 250, memoryBytes: 1024, storageBytes: 0, bandwidthBps: 0 },
      health: { http: { path: '/health' }, intervalMs: 2000, failureThreshold: 3 },
      backupEveryMs: 60000,
    });
  });

  it('asks for a tcp probe, or none, as the application says', () => {
    const tcp = app({
      health: { probe: { kind: 'tcp' }, intervalMs: 1000, failureThreshold: 2 },
    });
    expect(instanceStartPayload('shop', 'i', tcp).health).toEqual({
      tcp: {},
      intervalMs: 1000,
      failureThreshold: 2,
    });
    const none = app({ health: { probe: { kind: 'none' }, intervalMs: 1, failureThreshold: 1 } });
    expect(instanceStartPayload('shop', 'i', none)).not.toHaveProperty('health');
  });

  it('leaves out what the application does not have: env, data copies, endpoints', () => {
    const spec = instanceStartPayload(
      'shop',
      'i',
      app({ artifact: { command: ['x'] }, data: null }),
    );
    expect(spec).not.toHaveProperty('env');
    expect(spec).not.toHaveProperty('backupEveryMs');
    expect(spec).not.toHaveProperty('endpoints');
  });

  it('passes on the service endpoints it is given', () => {
    const endpoints: ServiceEndpoints = {
      service: 'shop',
      version: 3,
      updatedAt: 1,
      applications: [],
    };
    expect(instanceStartPayload('shop', 'i', app(), endpoints).endpoints).toBe(endpoints);
  });
});
