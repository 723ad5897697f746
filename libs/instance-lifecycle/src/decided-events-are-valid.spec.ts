import fc from 'fast-check';
import {
  currentSchemaVersion,
  eventTypesOf,
  validateEvent,
  type InstancePlacedData,
} from '@federa/contracts';
import type { InstanceCommand } from './instance-command';
import { instanceDecider } from './instance-decider';
import { InstanceCommandRefused } from './instance-command-refused';
import { InstanceEventTypes, type InstanceEvent } from './instance-event';
import { initialInstanceLife, type InstanceLife } from './instance-life';

const ref = { service: 'shop', app: 'db', instance: 'shop-db-0a0b0c' };
const resources = {
  cpuMillis: 1000,
  memoryBytes: 268435456,
  storageBytes: 1073741824,
  bandwidthBps: 0,
};
const placedData = (host: string): InstancePlacedData => ({
  ...ref,
  host,
  layer: 'process',
  resources,
  scores: { total: 0.5, byScorer: { cost: 0.5 } },
  hostsConsidered: 2,
  hostEpoch: 2,
  costPerHour: 0.02,
});

const hosts = ['mph-1', 'mph-2'];
const commands: fc.Arbitrary<InstanceCommand> = fc.oneof(
  fc.constant<InstanceCommand>({
    type: 'request',
    data: { ...ref, layer: 'process', resources, revision: 1, reason: 'deploy' },
  }),
  fc.constantFrom(...hosts).map((h): InstanceCommand => ({ type: 'place', data: placedData(h) })),
  fc.constant<InstanceCommand>({
    type: 'fail-placement',
    data: {
      ...ref,
      reasons: [{ filter: 'layer', hosts: 2 }],
      hostsConsidered: 2,
      message: 'no host',
    },
  }),
  fc
    .constantFrom(...hosts)
    .map((host): InstanceCommand => ({ type: 'start', host, layer: 'process' })),
  fc
    .record({
      host: fc.constantFrom(...hosts),
      state: fc.constantFrom(
        'running',
        'healthy',
        'unhealthy',
        'stopped',
        'failed',
        'starting',
        'stopping',
        'paused',
      ),
      detail: fc.option(fc.constant('probe failed'), { nil: undefined }),
    })
    .map((o): InstanceCommand => ({ type: 'observe', failureThreshold: 2, ...o })),
  fc
    .constantFrom('requested', 'scale-in', 'unhealthy', 'service-stopped' as const)
    .map((reason): InstanceCommand => ({ type: 'request-stop', reason })),
  fc
    .constantFrom('host-down', 'exited', 'unhealthy' as const)
    .map((reason): InstanceCommand => ({ type: 'record-stopped', reason })),
  fc.constant<InstanceCommand>({ type: 'fail', reason: 'host down', restarts: 0 }),
  fc.constant<InstanceCommand>({ type: 'mark-lost', reason: 'host unreachable' }),
  fc
    .constantFrom(...hosts)
    .map((host): InstanceCommand => ({ type: 'fail-lost', host, reason: 'came back without it' })),
  fc
    .constantFrom(...hosts)
    .map((to): InstanceCommand => ({ type: 'begin-migration', migration: 'm-1', to })),
  fc
    .constantFrom(...hosts)
    .map((host): InstanceCommand => ({ type: 'complete-migration', migration: 'm-1', host })),
  fc.constant<InstanceCommand>({
    type: 'abort-migration',
    migration: 'm-1',
    reason: 'import: target gone',
  }),
);

describe('the events the instance decider produces', () => {
  it('are of the instance stream types the contracts registry knows, every one of them', () => {
    expect([...InstanceEventTypes].sort()).toEqual([...eventTypesOf('instance')].sort());
  });

  it('are valid by the contracts, whatever sequence of commands is decided', () => {
    fc.assert(
      fc.property(fc.array(commands, { maxLength: 12 }), (sequence) => {
        let life: InstanceLife = initialInstanceLife();
        for (const command of sequence) {
          let events: InstanceEvent[];
          try {
            events = [instanceDecider.decide(command, life)].flat();
          } catch (error) {
            if (error instanceof InstanceCommandRefused) continue;
            throw error;
          }
          for (const event of events) {
            const errors = validateEvent(event.type, currentSchemaVersion(event.type)!, event.data);
            expect({ event: event.type, errors }).toEqual({ event: event.type, errors: [] });
            life = instanceDecider.evolve(life, event);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('once an instance ended, no command brings it back to life', () => {
    fc.assert(
      fc.property(fc.array(commands, { maxLength: 16 }), (sequence) => {
        let life: InstanceLife = initialInstanceLife();
        let ended = false;
        for (const command of sequence) {
          try {
            for (const event of [instanceDecider.decide(command, life)].flat())
              life = instanceDecider.evolve(life, event);
          } catch (error) {
            if (!(error instanceof InstanceCommandRefused)) throw error;
          }
          if (life.status === 'stopped' || life.status === 'failed') ended = true;
          if (ended) expect(['stopped', 'failed']).toContain(life.status);
        }
      }),
      { numRuns: 500 },
    );
  });
});
