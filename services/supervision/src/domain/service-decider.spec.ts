import { FederaError } from '@federa/contracts';
import {
  decideService,
  evolveService,
  initialServiceState,
  type ServiceCommand,
  type ServiceState,
} from './service-decider';
import type { ServiceHealth } from './service-health';
import { shopSpec } from './shop-spec.fixture';

function run(
  state: ServiceState,
  command: ServiceCommand,
): { state: ServiceState; events: string[] } {
  const events = decideService(command, state);
  return { state: events.reduce(evolveService, state), events: events.map((e) => e.type) };
}

function deployedShop(): ServiceState {
  let state = run(initialServiceState('shop'), { type: 'apply', spec: shopSpec() }).state;
  state = run(state, { type: 'deploy' }).state;
  return state;
}

const available: ServiceHealth = { state: 'available', applications: [] };
const degraded = (healthy: number): ServiceHealth => ({
  state: 'degraded',
  applications: [{ name: 'web', desired: 2, min: 2, healthy, reason: `${healthy} of 2 healthy` }],
});

function refusal(fn: () => unknown): FederaError {
  try {
    fn();
  } catch (error) {
    return error as FederaError;
  }
  throw new Error('not refused');
}

describe('the service decider', () => {
  it('defines a new service at revision 1, then records an update with the changed applications', () => {
    const defined = run(initialServiceState('shop'), { type: 'apply', spec: shopSpec() });
    expect(defined.events).toEqual(['ServiceDefined']);
    expect(defined.state).toMatchObject({ status: 'defined', revision: 1 });
    const changed = decideService(
      { type: 'apply', spec: shopSpec({ webCpu: '1' }) },
      defined.state,
    );
    expect(changed).toEqual([
      expect.objectContaining({
        type: 'ServiceUpdated',
        data: expect.objectContaining({ revision: 2, changedApps: ['web'] }),
      }),
    ]);
  });

  it('records nothing when the same spec is applied again', () => {
    const { state } = run(initialServiceState('shop'), { type: 'apply', spec: shopSpec() });
    expect(decideService({ type: 'apply', spec: shopSpec() }, state)).toEqual([]);
  });

  it('starts a deploy with the start order and each application at its minimum', () => {
    const { state: defined } = run(initialServiceState('shop'), {
      type: 'apply',
      spec: shopSpec(),
    });
    const [event] = decideService({ type: 'deploy' }, defined);
    expect(event).toEqual({
      type: 'ServiceDeployStarted',
      data: { service: 'shop', revision: 1, startOrder: ['db', 'payment', 'web'] },
    });
    const state = evolveService(defined, event);
    expect(state).toMatchObject({
      status: 'deploying',
      running: true,
      desired: { web: 2, db: 1, payment: 1 },
    });
    expect(decideService({ type: 'deploy' }, state)).toEqual([]);
  });

  it('rolls only the applications whose spec changed when an update is deployed', () => {
    let state = deployedShop();
    state = run(state, { type: 'apply', spec: shopSpec({ webCpu: '1' }) }).state;
    state = run(state, { type: 'deploy' }).state;
    expect(state.appRevisions).toEqual({ web: 2, db: 1, payment: 1 });
  });

  it('refuses to act on a service that does not exist', () => {
    expect(
      refusal(() => decideService({ type: 'deploy' }, initialServiceState('ghost'))).code,
    ).toBe('not_found');
  });

  it('reports available once, and degraded only after it has been available', () => {
    let state = deployedShop();
    expect(decideService({ type: 'record-health', health: degraded(1) }, state)).toEqual([]);
    const first = run(state, { type: 'record-health', health: available });
    expect(first.events).toEqual(['ServiceAvailable']);
    state = first.state;
    expect(decideService({ type: 'record-health', health: available }, state)).toEqual([]);
    const down = decideService({ type: 'record-health', health: degraded(1) }, state);
    expect(down).toEqual([
      {
        type: 'ServiceDegraded',
        data: {
          service: 'shop',
          apps: [{ app: 'web', desired: 2, healthy: 1, reason: '1 of 2 healthy' }],
        },
      },
    ]);
    state = down.reduce(evolveService, state);
    expect(state.status).toBe('degraded');
    expect(decideService({ type: 'record-health', health: degraded(1) }, state)).toEqual([]);
    expect(
      decideService({ type: 'record-health', health: degraded(0) }, state).map((e) => e.type),
    ).toEqual(['ServiceDegraded']);
  });

  it('reports a failed service with the application and the reason', () => {
    const state = deployedShop();
    const health: ServiceHealth = {
      state: 'failed',
      applications: [
        {
          name: 'payment',
          desired: 1,
          min: 1,
          healthy: 0,
          failed: true,
          reason: 'host down and not relocatable',
        },
      ],
    };
    expect(decideService({ type: 'record-health', health }, state)).toEqual([
      {
        type: 'ServiceFailed',
        data: { service: 'shop', reason: 'host down and not relocatable', app: 'payment' },
      },
    ]);
  });

  it('stops in reverse start order, then confirms the stop once nothing runs', () => {
    const stopping = run(deployedShop(), { type: 'stop' });
    expect(decideService({ type: 'stop' }, deployedShop())[0].data).toEqual({
      service: 'shop',
      stopOrder: ['web', 'payment', 'db'],
    });
    expect(stopping.state).toMatchObject({ status: 'stopping', running: false });
    expect(run(stopping.state, { type: 'confirm-stopped' }).state.status).toBe('stopped');
  });

  it('refuses to delete a running service, and deletes a stopped one', () => {
    expect(refusal(() => decideService({ type: 'delete' }, deployedShop())).code).toBe('conflict');
    const { state: defined } = run(initialServiceState('shop'), {
      type: 'apply',
      spec: shopSpec(),
    });
    const deleted = run(defined, { type: 'delete' }).state;
    expect(deleted.status).toBe('deleted');
    expect(run(deleted, { type: 'apply', spec: shopSpec() }).state).toMatchObject({
      status: 'defined',
      revision: 2,
    });
  });

  it('copies a service under a new name with the same applications and rules', () => {
    const source = run(initialServiceState('shop'), { type: 'apply', spec: shopSpec() }).state;
    const [copied] = decideService(
      { type: 'copy-from', source, as: 'shop-2' },
      initialServiceState('shop-2'),
    );
    expect(copied.type).toBe('ServiceCopied');
    expect(copied.data).toMatchObject({ service: 'shop-2', copiedFrom: 'shop', revision: 1 });
    const copy = evolveService(initialServiceState('shop-2'), copied);
    expect(copy.model?.applications).toEqual(source.model?.applications);
    expect(copy.model?.rules).toEqual(source.model?.rules);
    expect(copy.status).toBe('defined');
    expect(
      refusal(() => decideService({ type: 'copy-from', source, as: 'shop' }, source)).code,
    ).toBe('conflict');
  });

  it('scales within the replica bounds, recording the inputs of the decision', () => {
    const state = deployedShop();
    const inputs = { averageLoad: 0.9, samples: 4, windowMs: 5000, threshold: 0.75, replicas: 2 };
    const [out] = decideService(
      { type: 'scale', app: 'web', to: 3, inputs, metric: 'load' },
      state,
    );
    expect(out).toEqual({
      type: 'ScaledOut',
      data: {
        service: 'shop',
        app: 'web',
        from: 2,
        to: 3,
        reason: { metric: 'load', value: 0.9, threshold: 0.75, samples: 4, windowMs: 5000 },
      },
    });
    expect(evolveService(state, out).desired.web).toBe(3);
    expect(
      refusal(() =>
        decideService({ type: 'scale', app: 'web', to: 5, inputs, metric: 'load' }, state),
      ).code,
    ).toBe('conflict');
  });
});
