import fc from 'fast-check';
import type { InstancePlacedData } from '@federa/contracts';
import { DeciderSpecification } from '@federa/testing';
import type { InstanceCommand } from './instance-command';
import { InstanceCommandRefused } from './instance-command-refused';
import { instanceDecider } from './instance-decider';
import type { InstanceEvent } from './instance-event';
import { initialInstanceLife, type InstanceLife } from './instance-life';

const spec = DeciderSpecification.for(instanceDecider);
const ref = { service: 'shop', app: 'web', instance: 'shop-web-d4e5f6' };
const at = { ...ref, host: 'mph-1' };
const resources = { cpuMillis: 500, memoryBytes: 134217728, storageBytes: 0, bandwidthBps: 0 };
const placedData = (host: string): InstancePlacedData => ({
  ...ref,
  host,
  layer: 'process',
  resources,
  scores: { total: 1, byScorer: {} },
  hostsConsidered: 2,
  hostEpoch: 1,
  costPerHour: 0.1,
});
const requested: InstanceEvent = {
  type: 'InstanceRequested',
  data: { ...ref, layer: 'process', resources, revision: 1, reason: 'deploy' },
};
const placed: InstanceEvent = { type: 'InstancePlaced', data: placedData('mph-1') };
const starting: InstanceEvent = { type: 'InstanceStarting', data: { ...at, layer: 'process' } };
const running: InstanceEvent = { type: 'InstanceRunning', data: at };
const healthy: InstanceEvent = { type: 'InstanceHealthy', data: at };
const stopped: InstanceEvent = { type: 'InstanceStopped', data: { ...at, reason: 'requested' } };
const failed: InstanceEvent = {
  type: 'InstanceFailed',
  data: { ...at, reason: 'exited with 1', restarts: 0 },
};
const observe = (state: string, host = 'mph-1') =>
  ({ type: 'observe', host, state, failureThreshold: 3 }) as const;

/** What a running instance may report before the log knows it started. */
const RUNNING_STATES = ['InstanceRunning', 'InstanceHealthy', 'InstanceUnhealthy'];
const ENDINGS = ['InstanceStopped', 'InstanceFailed'];

describe('the instance decider refuses impossible transitions', () => {
  it('records InstanceStarting before InstanceRunning when an agent reports an instance only placed', () => {
    spec.given([requested, placed]).when(observe('running')).then([starting, running]);
    spec.given([requested, placed]).when(observe('healthy')).then([starting, healthy]);
  });

  it('records no running state for an instance without a host, or on another host', () => {
    spec.given([requested]).when(observe('running')).thenNothing();
    spec.given([requested, placed]).when(observe('running', 'mph-2')).thenNothing();
  });

  it('never records InstanceStopped twice, whoever reports the end again', () => {
    const ended = [requested, placed, starting, running, stopped];
    spec.given(ended).when({ type: 'record-stopped', reason: 'requested' }).thenNothing();
    spec.given(ended).when(observe('stopped')).thenNothing();
    spec.given(ended).when({ type: 'request-stop', reason: 'requested' }).thenNothing();
    spec.given(ended).when({ type: 'fail', reason: 'late', restarts: 0 }).thenNothing();
  });

  it('never records an end after a failure, nor a running state after either', () => {
    for (const end of [stopped, failed]) {
      const ended = [requested, placed, starting, running, end];
      spec.given(ended).when({ type: 'record-stopped', reason: 'exited' }).thenNothing();
      spec.given(ended).when(observe('running')).thenNothing();
      spec.given(ended).when(observe('healthy')).thenNothing();
      spec.given(ended).when({ type: 'mark-lost', reason: 'host down' }).thenNothing();
    }
  });

  it('refuses to start, place or move an instance that ended', () => {
    const ended = [requested, placed, starting, running, stopped];
    spec
      .given(ended)
      .when({ type: 'start', host: 'mph-1', layer: 'process' })
      .thenThrows(InstanceCommandRefused);
    spec
      .given(ended)
      .when({ type: 'place', data: placedData('mph-2') })
      .thenThrows(InstanceCommandRefused);
    spec
      .given(ended)
      .when({ type: 'begin-migration', migration: 'm', to: 'mph-2' })
      .thenThrows(InstanceCommandRefused);
  });

  it('refuses to place an instance twice on different hosts', () => {
    spec
      .given([requested, placed])
      .when({ type: 'place', data: placedData('mph-2') })
      .thenThrows(InstanceCommandRefused);
  });

  it('takes a lost instance back only from its own host, and never into a stop the log did not ask', () => {
    const lost: InstanceEvent = {
      type: 'InstanceLost',
      data: { ...at, reason: 'host mph-1 down' },
    };
    const held = [requested, placed, starting, running, lost];
    spec.given(held).when(observe('starting', 'mph-2')).thenNothing();
    spec.given(held).when(observe('stopping')).thenNothing();
    spec
      .given([...held, starting])
      .when(observe('running'))
      .then([running]);
  });

  const hosts = ['mph-1', 'mph-2'];
  const commands: fc.Arbitrary<InstanceCommand> = fc.oneof(
    fc.constant<InstanceCommand>({ type: 'request', data: requested.data as never }),
    fc.constantFrom(...hosts).map((h): InstanceCommand => ({ type: 'place', data: placedData(h) })),
    fc
      .constantFrom(...hosts)
      .map((host): InstanceCommand => ({ type: 'start', host, layer: 'process' })),
    fc
      .record({
        host: fc.constantFrom(...hosts),
        state: fc.constantFrom(
          'starting',
          'running',
          'healthy',
          'unhealthy',
          'stopping',
          'paused',
          'migrating',
          'stopped',
          'failed',
        ),
      })
      .map((o): InstanceCommand => ({ type: 'observe', failureThreshold: 2, ...o })),
    fc
      .constantFrom('requested', 'unhealthy' as const)
      .map((reason): InstanceCommand => ({ type: 'request-stop', reason })),
    fc
      .constantFrom('exited', 'host-down' as const)
      .map((reason): InstanceCommand => ({ type: 'record-stopped', reason })),
    fc.constant<InstanceCommand>({ type: 'fail', reason: 'host down', restarts: 0 }),
    fc.constant<InstanceCommand>({ type: 'mark-lost', reason: 'host unreachable' }),
  );

  it('writes streams that read in a possible order, whatever sequence of commands is decided', () => {
    fc.assert(
      fc.property(fc.array(commands, { maxLength: 16 }), (sequence) => {
        let life: InstanceLife = initialInstanceLife();
        const stream: string[] = [];
        for (const command of sequence) {
          try {
            for (const event of [instanceDecider.decide(command, life)].flat()) {
              stream.push(event.type);
              life = instanceDecider.evolve(life, event);
            }
          } catch (error) {
            if (!(error instanceof InstanceCommandRefused)) throw error;
          }
        }
        const firstRunning = stream.findIndex((t) => RUNNING_STATES.includes(t));
        if (firstRunning >= 0) expect(stream.slice(0, firstRunning)).toContain('InstanceStarting');
        expect(stream.filter((t) => ENDINGS.includes(t)).length).toBeLessThanOrEqual(1);
        const end = stream.findIndex((t) => ENDINGS.includes(t));
        if (end >= 0) expect(stream.slice(end + 1)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });
});
