import fc from 'fast-check';
import { FederaError, normaliseServiceSpec, type ServiceSpec } from '@federa/contracts';
import {
  checkDeciderAgainstModel,
  DeciderSpecification,
  type DeciderModel,
  type ModelOutcome,
} from '@federa/testing';
import { shopSpec } from '../testing/shop-spec.fixture';
import {
  evolveService,
  initialServiceState,
  serviceDecider,
  type ServiceCommand,
  type ServiceEvent,
  type ServiceState,
} from './service-decider';
import type { ServiceHealth } from './service-health';

/**
 * A service's life as the CONTRACT's service states and the commands' own words tell it, written
 * without the decider: which spec is applied and which deployed (by name), the revisions, whether
 * instances should run and how many per application, and the last health recorded.
 */
interface ServiceModel {
  status: ServiceState['status'];
  applied?: string;
  deployed?: string;
  revision: number;
  deployedRevision: number;
  running: boolean;
  desired: Record<string, number>;
  health?: string;
}

/** The specs a run applies, by name: two replica ranges of web, and one with web's cpu changed. */
const specs: Record<string, ServiceSpec> = {
  base: shopSpec(),
  narrow: shopSpec({ webMin: 1, webMax: 3 }),
  cpu: shopSpec({ webCpu: '1' }),
};
const specNames = Object.keys(specs);
const normalised = new Map(
  specNames.map((name) => [JSON.stringify(normaliseServiceSpec(specs[name]!)), name]),
);
const nameOf = (spec: unknown): string | undefined => normalised.get(JSON.stringify(spec));
/** Each application's replica range in a spec. */
const ranges = Object.fromEntries(
  specNames.map((name) => [
    name,
    normaliseServiceSpec(specs[name]!).applications.map((a) => ({
      app: a.name,
      min: a.replicas.min,
      max: a.replicas.max,
    })),
  ]),
);
const rangesOf = (name: string) => ranges[name]!;

const refused: ModelOutcome<ServiceModel> = { refused: true };
const to = (model: ServiceModel): ModelOutcome<ServiceModel> => ({ refused: false, model });
const fresh = (revision: number): ServiceModel => ({
  status: 'absent',
  revision,
  deployedRevision: 0,
  running: false,
  desired: {},
});

function next(m: ServiceModel, c: ServiceCommand): ModelOutcome<ServiceModel> {
  const same = to(m);
  const exists = m.status !== 'absent' && m.status !== 'deleted';
  if (c.type === 'apply') {
    const applied = nameOf(normaliseServiceSpec(c.spec))!;
    if (!exists) return to({ ...fresh(m.revision + 1), status: 'defined', applied });
    return applied === m.applied ? same : to({ ...m, applied, revision: m.revision + 1 });
  }
  if (c.type === 'copy-from') {
    const source = c.source.status !== 'absent' && c.source.status !== 'deleted';
    if (!source || exists) return refused;
    // A copy defines the service anew, as an apply would: its revisions go on from the stream's.
    return to({
      ...fresh(m.revision + 1),
      status: 'defined',
      applied: nameOf(normaliseServiceSpec({ ...c.source.spec!, metadata: { name: 'shop' } })),
    });
  }
  if (!exists) return refused;
  switch (c.type) {
    case 'deploy': {
      if (m.running && m.deployedRevision === m.revision) return same;
      const desired: Record<string, number> = {};
      for (const { app, min, max } of rangesOf(m.applied!)) {
        const now = m.running ? (m.desired[app] ?? min) : min;
        desired[app] = Math.min(max, Math.max(min, now));
      }
      return to({
        ...m,
        status: 'deploying',
        deployed: m.applied,
        deployedRevision: m.revision,
        running: true,
        desired,
        health: undefined,
      });
    }
    case 'stop':
      return m.running ? to({ ...m, status: 'stopping', running: false, health: undefined }) : same;
    case 'confirm-stopped':
      return !m.running && m.status === 'stopping'
        ? to({ ...m, status: 'stopped', desired: {} })
        : same;
    case 'delete':
      if (m.running || m.status === 'stopping') return refused;
      return to({ ...fresh(m.revision), status: 'deleted' });
    case 'record-health': {
      if (!m.running) return same;
      const h = c.health;
      // While deploying, instances still missing are expected.
      if (m.status === 'deploying' && h.state === 'degraded') return same;
      const health =
        h.state === 'degraded'
          ? `degraded:${h.applications
              .filter((a) => a.healthy < a.min || a.reason)
              .map((a) => a.name)
              .join(',')}`
          : h.state;
      const status = h.state;
      return health === m.health ? same : to({ ...m, status, health });
    }
    case 'scale': {
      const range = m.running ? rangesOf(m.deployed!).find((r) => r.app === c.app) : undefined;
      if (!range || c.to < range.min || c.to > range.max) return refused;
      if (c.to === (m.desired[c.app] ?? range.min)) return same;
      return to({ ...m, desired: { ...m.desired, [c.app]: c.to } });
    }
  }
}

const model: DeciderModel<ServiceModel, ServiceState, ServiceCommand, ServiceEvent> = {
  initial: () => fresh(0),
  next,
  view: (s) => ({
    status: s.status,
    applied: s.model && nameOf(s.model),
    deployed: s.deployed && nameOf(s.deployed),
    revision: s.revision,
    deployedRevision: s.deployedRevision,
    running: s.running,
    desired: s.desired,
    health: healthOf(s.lastHealth),
  }),
  isRefusal: (error) => error instanceof FederaError,
  invariants: (state, events, before) => {
    for (const event of events) expect(event.data.service).toBe('shop');
    // Revisions only grow, and what was deployed is a revision that was applied.
    expect(state.revision).toBeGreaterThanOrEqual(before.revision);
    expect(state.deployedRevision).toBeLessThanOrEqual(state.revision);
    // While instances should run, every application of the deployed spec wants a count in its range.
    if (state.running) {
      expect(['deploying', 'available', 'degraded', 'failed']).toContain(state.status);
      for (const app of state.deployed!.applications) {
        expect(state.desired[app.name]).toBeGreaterThanOrEqual(app.replicas.min);
        expect(state.desired[app.name]).toBeLessThanOrEqual(app.replicas.max);
      }
    }
  },
};

/** The last health event's kind, with a degraded service's short applications. */
function healthOf(signature: string | undefined): string | undefined {
  if (signature === undefined) return undefined;
  const [state, detail] = JSON.parse(signature) as [string, unknown];
  if (state !== 'degraded') return state;
  return `degraded:${(detail as { app: string }[]).map((a) => a.app).join(',')}`;
}

const apps = (short?: string, failed?: string): ServiceHealth['applications'] =>
  ['web', 'db', 'payment'].map((name) => ({
    name,
    desired: 2,
    min: 1,
    healthy: name === short ? 0 : 2,
    ...(name === short ? { reason: 'not enough healthy instances' } : {}),
    ...(name === failed ? { failed: true, reason: 'crash loop' } : {}),
  }));
const health = fc.constantFrom<ServiceHealth>(
  { state: 'available', applications: apps() },
  { state: 'degraded', applications: apps('web') },
  { state: 'degraded', applications: apps('db') },
  { state: 'failed', applications: apps(undefined, 'payment') },
);
const source = (name: string | undefined): ServiceState =>
  name === undefined
    ? initialServiceState('cart')
    : evolveService(initialServiceState('cart'), {
        type: 'ServiceDefined',
        data: {
          service: 'cart',
          spec: { ...specs[name]!, metadata: { name: 'cart' } } as ServiceSpec,
          revision: 3,
        },
      });
const inputs = { averageLoad: 0.9, samples: 3, windowMs: 1000, threshold: 0.75, replicas: 2 };
const command: fc.Arbitrary<ServiceCommand> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(...specNames)
      .map((name): ServiceCommand => ({ type: 'apply', spec: specs[name]! })),
  },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom(undefined, ...specNames)
      .map((name): ServiceCommand => ({ type: 'copy-from', source: source(name), as: 'shop' })),
  },
  { weight: 2, arbitrary: fc.constant<ServiceCommand>({ type: 'deploy' }) },
  { weight: 2, arbitrary: fc.constant<ServiceCommand>({ type: 'stop' }) },
  { weight: 2, arbitrary: fc.constant<ServiceCommand>({ type: 'confirm-stopped' }) },
  { weight: 2, arbitrary: fc.constant<ServiceCommand>({ type: 'delete' }) },
  {
    weight: 3,
    arbitrary: health.map((h): ServiceCommand => ({ type: 'record-health', health: h })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('web', 'db', 'cart'), fc.integer({ min: 0, max: 5 }))
      .map(([app, n]): ServiceCommand => ({ type: 'scale', app, to: n, inputs, metric: 'load' })),
  },
);
const life = fc
  .tuple(fc.boolean(), fc.array(command, { maxLength: 24, size: 'max' }))
  .map(([begun, rest]): ServiceCommand[] =>
    begun ? [{ type: 'apply', spec: specs.base! }, { type: 'deploy' }, ...rest] : rest,
  );

describe('the service decider, against a model of a service life', () => {
  it('agrees with the model after every command, and keeps the stream whole', () => {
    fc.assert(
      fc.property(life, (commands) => checkDeciderAgainstModel(serviceDecider, model, commands)),
      { numRuns: 100 },
    );
  });
});

describe('a service copied onto a name that was deleted', () => {
  // Found by the model above: the copy recorded revision 1 in a stream whose revisions had reached
  // 2, so that the stream's revisions went back and one of them repeated.
  it('takes the next revision of its stream, as an apply would', () => {
    const spec = DeciderSpecification.for(serviceDecider);
    const history: ServiceEvent[] = [
      { type: 'ServiceDefined', data: { service: 'shop', spec: specs.base!, revision: 1 } },
      {
        type: 'ServiceUpdated',
        data: { service: 'shop', spec: specs.cpu!, revision: 2, changedApps: ['web'] },
      },
      { type: 'ServiceDeleted', data: { service: 'shop' } },
    ];
    spec
      .given(history)
      .when({ type: 'copy-from', source: source('narrow'), as: 'shop' })
      .then([
        {
          type: 'ServiceCopied',
          data: expect.objectContaining({ service: 'shop', revision: 3, copiedFrom: 'cart' }),
        },
      ])
      .andState((state) => expect(state.revision).toBe(3));
  });
});
