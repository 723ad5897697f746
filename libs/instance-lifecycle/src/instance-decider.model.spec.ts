import fc from 'fast-check';
import type { InstancePlacedData, InstanceStopReason } from '@federa/contracts';
import { checkDeciderAgainstModel, type DeciderModel, type ModelOutcome } from '@federa/testing';
import type { InstanceCommand } from './instance-command';
import { InstanceCommandRefused } from './instance-command-refused';
import { instanceDecider } from './instance-decider';
import type { InstanceEvent } from './instance-event';
import type { InstanceLife } from './instance-life';

/**
 * The life of one instance as the ADR (docs/adr/instance-decider.md) and the commands' own words
 * tell it, written without the decider: where it is, on which host, which migration moves it, which
 * stop was asked, and how many times it was placed.
 */
interface InstanceModel {
  status: InstanceLife['status'];
  /** The application whose request took the instance id. */
  app?: string;
  host?: string;
  migration?: string;
  to?: string;
  stopReason?: InstanceStopReason;
  generation?: number;
  /** The port it answers on, as the log last recorded it (every endpoint of a run is on 10.0.0.1). */
  port?: number;
}

const ref = { service: 'shop', app: 'web', instance: 'shop-web-0a0b0c' };
const hosts = ['mph-1', 'mph-2'];
const resources = { cpuMillis: 500, memoryBytes: 134217728, storageBytes: 0, bandwidthBps: 0 };
const placedData = (host: string, instance = ref.instance): InstancePlacedData => ({
  ...ref,
  instance,
  host,
  layer: 'process',
  resources,
  scores: { total: 1, byScorer: {} },
  hostsConsidered: 2,
  hostEpoch: 1,
  costPerHour: 0.1,
});

const ended = (s: InstanceModel['status']) => s === 'stopped' || s === 'failed';
const live = (s: InstanceModel['status']) => s !== 'absent' && !ended(s);
const runs = (s: InstanceModel['status']) => ['running', 'healthy', 'unhealthy'].includes(s);
const refused: ModelOutcome<InstanceModel> = { refused: true };
const to = (model: InstanceModel): ModelOutcome<InstanceModel> => ({ refused: false, model });
/** A stop ends it: as failed when it stopped for staying unhealthy (it is replaced), else stopped. */
const end = (m: InstanceModel, reason: InstanceStopReason): InstanceModel => ({
  status: reason === 'unhealthy' ? 'failed' : 'stopped',
  app: m.app,
  host: m.host,
  generation: m.generation,
  port: m.port,
});
/** Any change of status clears the migration and the stop asked, unless it keeps them. */
const move = (
  m: InstanceModel,
  status: InstanceModel['status'],
  keep: Partial<InstanceModel> = {},
) => to({ status, app: m.app, host: m.host, generation: m.generation, port: m.port, ...keep });

function next(m: InstanceModel, c: InstanceCommand): ModelOutcome<InstanceModel> {
  const same = to(m);
  if (c.type === 'request') {
    if (m.status === 'absent') return to({ status: 'pending', app: c.data.app });
    return c.data.app === m.app ? same : refused;
  }
  if (m.status === 'absent') return refused;
  switch (c.type) {
    case 'place':
      if (c.data.instance !== ref.instance) return refused;
      if (m.status === 'pending') return move(m, 'placed', { host: c.data.host, generation: 1 });
      return m.host === c.data.host ? same : refused;
    case 'fail-placement':
      if (c.data.instance !== ref.instance) return refused;
      return m.status === 'pending' ? move(m, 'failed') : refused;
    case 'start':
      if (m.host !== c.host) return refused;
      if (m.status === 'placed') return move(m, 'starting');
      return m.status === 'starting' || runs(m.status) ? same : refused;
    case 'observe':
      return observed(m, c.host, c.state, c.endpoint?.port);
    case 'request-stop':
      if (!live(m.status) || m.status === 'stopping') return same;
      if (m.status === 'pending' || m.status === 'placed') return to(end(m, c.reason));
      return move(m, 'stopping', { stopReason: c.reason });
    case 'record-stopped':
      return live(m.status) ? to(end(m, c.reason)) : same;
    case 'fail':
      return live(m.status) ? move(m, 'failed') : same;
    case 'fail-lost':
      return m.status === 'lost' && m.host === c.host ? move(m, 'failed') : refused;
    case 'mark-lost':
      if (!live(m.status) || m.status === 'lost') return same;
      if (m.status === 'pending') return refused;
      // Not known to run yet: its start goes out again once the host is back.
      if (m.status === 'placed' || m.status === 'starting') return same;
      return move(m, 'lost', { stopReason: m.stopReason });
    case 'begin-migration':
      if (m.status === 'migrating' && m.migration === c.migration) return same;
      if (!runs(m.status) || c.to === m.host) return refused;
      return move(m, 'migrating', { migration: c.migration, to: c.to });
    case 'complete-migration':
      if (m.status === 'migrating' && m.migration === c.migration) {
        return to({
          status: c.verified ? 'healthy' : 'running',
          app: m.app,
          host: c.host,
          generation: (m.generation ?? 1) + 1,
        });
      }
      return m.status !== 'migrating' && m.host === c.host ? same : refused;
    case 'abort-migration':
      if (m.status === 'migrating' && m.migration === c.migration) {
        // Started again on its source: where it answers is told anew.
        return move(m, 'running', { generation: (m.generation ?? 1) + 1, port: undefined });
      }
      return m.status === 'migrating' ? refused : same;
  }
}

/** An agent's report is a fact: never refused; news only from the host it is on, while it lives. */
function observed(
  m: InstanceModel,
  host: string,
  state: string,
  port: number | undefined,
): ModelOutcome<InstanceModel> {
  const same = to(m);
  if (!live(m.status) || m.host !== host || m.status === 'migrating') return same;
  if (m.status === 'lost') {
    // Its agent speaks of it again: the log takes its word where an event says it.
    if (state === 'starting') return move(m, 'starting');
    if (m.stopReason && state === 'stopping') {
      return move(m, 'stopping', { stopReason: m.stopReason });
    }
    if (m.stopReason && (state === 'stopped' || state === 'failed')) {
      return to(end(m, m.stopReason));
    }
  }
  const early = m.status === 'placed' || m.status === 'starting' || m.status === 'lost';
  // An endpoint the log does not hold yet is news, with whatever state it came (not while stopping).
  const moved = port !== undefined && port !== m.port && m.status !== 'stopping';
  const at = moved ? { port } : {};
  switch (state) {
    case 'running':
      return early || moved ? move(m, 'running', at) : same;
    case 'healthy':
      if (moved) return move(m, 'healthy', at);
      return m.status === 'healthy' || m.status === 'stopping' ? same : move(m, 'healthy');
    case 'unhealthy':
      if (moved) return move(m, 'unhealthy', at);
      return m.status === 'unhealthy' || m.status === 'stopping' ? same : move(m, 'unhealthy');
    case 'stopped':
    case 'failed':
      if (m.status === 'stopping') return to(end(m, m.stopReason ?? 'requested'));
      return m.status === 'placed' ? same : move(m, 'failed');
    default:
      return same;
  }
}

const model: DeciderModel<InstanceModel, InstanceLife, InstanceCommand, InstanceEvent> = {
  initial: () => ({ status: 'absent' }),
  next,
  view: (life) => ({
    status: life.status,
    app: life.app || undefined,
    host: life.host,
    migration: life.migration?.id,
    to: life.migration?.to,
    stopReason: life.stopReason,
    generation: life.generation,
    port: life.endpoint?.port,
  }),
  isRefusal: (error) => error instanceof InstanceCommandRefused,
  terminal: (m) => ended(m.status),
  invariants: (life, events) => {
    // Every event of the stream is about its one instance.
    for (const event of events) expect(event.data.instance).toBe(ref.instance);
    // Placed or beyond, it is on exactly one host; a migration moves it to another one.
    if (live(life.status) && life.status !== 'pending') expect(hosts).toContain(life.host);
    if (life.status === 'migrating') expect(life.migration?.to).not.toBe(life.host);
    else expect(life.migration).toBeUndefined();
    // A running instance started first: the stream never reads a running state before a start.
    const types = events.map((e) => e.type);
    const firstRunning = types.findIndex((t) => t === 'InstanceRunning' || t === 'InstanceHealthy');
    if (firstRunning >= 0 && types.includes('InstanceStarting')) {
      expect(types.indexOf('InstanceStarting')).toBeLessThan(firstRunning);
    }
  },
};

const host = fc.constantFrom(...hosts);
const stopReason = fc.constantFrom<InstanceStopReason>(
  'requested',
  'scale-in',
  'unhealthy',
  'service-stopped',
  'host-down',
  'exited',
);
const migration = fc.constantFrom('m-1', 'm-2');
/** Weighted towards the commands of a running instance: the endings come soon enough. */
const command: fc.Arbitrary<InstanceCommand> = fc.oneof(
  {
    weight: 1,
    arbitrary: fc.constantFrom('web', 'db').map((app): InstanceCommand => ({
      type: 'request',
      data: { ...ref, app, layer: 'process', resources, revision: 1, reason: 'deploy' },
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(host, fc.constantFrom(ref.instance, 'shop-web-ffffff'))
      .map(([h, instance]): InstanceCommand => ({ type: 'place', data: placedData(h, instance) })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<InstanceCommand>({
      type: 'fail-placement',
      data: {
        ...ref,
        reasons: [{ filter: 'layer', hosts: 2 }],
        hostsConsidered: 2,
        message: 'none',
      },
    }),
  },
  {
    weight: 2,
    arbitrary: host.map((h): InstanceCommand => ({ type: 'start', host: h, layer: 'process' })),
  },
  {
    weight: 6,
    arbitrary: fc
      .record({
        host,
        endpoint: fc
          .constantFrom(undefined, 8080, 8081)
          .map((port) => (port === undefined ? undefined : { address: '10.0.0.1', port })),
        state: fc.constantFrom(
          'starting',
          'running',
          'healthy',
          'unhealthy',
          'stopping',
          'stopped',
          'failed',
          'paused',
        ),
      })
      .map((o): InstanceCommand => ({ type: 'observe', failureThreshold: 3, ...o })),
  },
  {
    weight: 1,
    arbitrary: stopReason.map((reason): InstanceCommand => ({ type: 'request-stop', reason })),
  },
  {
    weight: 1,
    arbitrary: stopReason.map((reason): InstanceCommand => ({ type: 'record-stopped', reason })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<InstanceCommand>({ type: 'fail', reason: 'exited with 1', restarts: 0 }),
  },
  {
    weight: 2,
    arbitrary: host.map((h): InstanceCommand => ({
      type: 'fail-lost',
      host: h,
      reason: 'came back without',
    })),
  },
  {
    weight: 3,
    arbitrary: fc.constant<InstanceCommand>({ type: 'mark-lost', reason: 'host unreachable' }),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(migration, host)
      .map(([m, h]): InstanceCommand => ({ type: 'begin-migration', migration: m, to: h })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(migration, host, fc.boolean()).map(([m, h, verified]): InstanceCommand => ({
      type: 'complete-migration',
      migration: m,
      host: h,
      verified,
    })),
  },
  {
    weight: 2,
    arbitrary: migration.map((m): InstanceCommand => ({
      type: 'abort-migration',
      migration: m,
      reason: 'target gone',
    })),
  },
);

const requested: InstanceCommand = {
  type: 'request',
  data: { ...ref, layer: 'process', resources, revision: 1, reason: 'deploy' },
};
const placed: InstanceCommand = { type: 'place', data: placedData('mph-1') };
const started: InstanceCommand = { type: 'start', host: 'mph-1', layer: 'process' };
const healthy: InstanceCommand = {
  type: 'observe',
  host: 'mph-1',
  state: 'healthy',
  failureThreshold: 3,
};
/** Most runs begin with an instance running healthy, so that the rest reaches the later states. */
const life = fc
  .tuple(fc.constantFrom(0, 1, 2, 3, 4, 4, 4), fc.array(command, { maxLength: 24, size: 'max' }))
  .map(([begun, rest]) => [...[requested, placed, started, healthy].slice(0, begun), ...rest]);

describe('the instance decider, against a model of an instance life', () => {
  it('agrees with the model after every command, and keeps the stream whole', () => {
    fc.assert(
      fc.property(life, (commands) => checkDeciderAgainstModel(instanceDecider, model, commands)),
      { numRuns: 200 },
    );
  });
});
