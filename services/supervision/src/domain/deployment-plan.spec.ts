import { planDeployment, type DeploymentTarget } from './deployment-plan';
import type { InstanceView } from './instance-view';
import {
  decideService,
  evolveService,
  initialServiceState,
  type ServiceCommand,
  type ServiceState,
} from './service-decider';
import { shopSpec } from '../testing/shop-spec.fixture';

function apply(state: ServiceState, command: ServiceCommand): ServiceState {
  return decideService(command, state).reduce(evolveService, state);
}

function target(state: ServiceState): DeploymentTarget {
  return { ...state, stopping: state.status === 'stopping' };
}

function deployed(): ServiceState {
  return apply(apply(initialServiceState('shop'), { type: 'apply', spec: shopSpec() }), {
    type: 'deploy',
  });
}

let seq = 0;
function inst(
  app: string,
  state: InstanceView['state'],
  extra: Partial<InstanceView> = {},
): InstanceView {
  seq += 1;
  return {
    id: `${app}-${seq}`,
    service: 'shop',
    app,
    layer: 'process',
    host: 'h',
    state,
    since: new Date(seq * 1000).toISOString(),
    revision: 1,
    ...extra,
  };
}

const backoff = { baseMs: 1000, maxMs: 8000 };
const now = 1_000_000;

describe('planDeployment', () => {
  it('starts only the applications with no dependencies first', () => {
    const plan = planDeployment(target(deployed()), [], now, backoff);
    expect(plan.actions).toEqual([{ kind: 'request', app: 'db', revision: 1, count: 1 }]);
    expect(plan.waiting).toEqual([
      { app: 'payment', reason: 'waiting for db to be healthy' },
      { app: 'web', reason: 'waiting for db to be healthy' },
    ]);
  });

  it('does not request again what is already requested', () => {
    expect(
      planDeployment(target(deployed()), [inst('db', 'pending')], now, backoff).actions,
    ).toEqual([]);
  });

  it('opens the readiness gate of an application once everything it depends on is healthy', () => {
    const plan = planDeployment(target(deployed()), [inst('db', 'healthy')], now, backoff);
    expect(plan.actions).toEqual([{ kind: 'request', app: 'payment', revision: 1, count: 1 }]);
    const next = planDeployment(
      target(deployed()),
      [inst('db', 'healthy'), inst('payment', 'healthy')],
      now,
      backoff,
    );
    expect(next.actions).toEqual([{ kind: 'request', app: 'web', revision: 1, count: 2 }]);
  });

  it('replaces a failed instance at once the first time, then backs off after repeated failures', () => {
    const base = [inst('db', 'healthy'), inst('payment', 'healthy'), inst('web', 'healthy')];
    const once = planDeployment(
      target(deployed()),
      [...base, inst('web', 'failed', { since: new Date(now - 10).toISOString() })],
      now,
      backoff,
    );
    expect(once.actions).toEqual([{ kind: 'request', app: 'web', revision: 1, count: 1 }]);

    const healthyLongAgo = base.map((i) => ({ ...i, healthyAt: new Date(0).toISOString() }));
    const failures = [
      inst('web', 'failed', { since: new Date(now - 3000).toISOString() }),
      inst('web', 'failed', { since: new Date(now - 500).toISOString() }),
    ];
    const twice = planDeployment(
      target(deployed()),
      [...healthyLongAgo, ...failures],
      now,
      backoff,
    );
    expect(twice.actions).toEqual([]);
    expect(twice.waiting).toEqual([{ app: 'web', reason: 'backing off after 2 failures' }]);
    expect(twice.wakeAt).toBe(now - 500 + 1000);
    expect(
      planDeployment(target(deployed()), [...healthyLongAgo, ...failures], now + 600, backoff)
        .actions,
    ).toEqual([{ kind: 'request', app: 'web', revision: 1, count: 1 }]);
  });

  it('stops an instance unhealthy past its grace period, and does nothing else for its application meanwhile', () => {
    const sick = inst('web', 'unhealthy', { since: new Date(now - 5000).toISOString() });
    const instances = [
      inst('db', 'healthy'),
      inst('payment', 'healthy'),
      inst('web', 'healthy'),
      sick,
    ];
    expect(planDeployment(target(deployed()), instances, now, backoff, 5000).actions).toEqual([
      { kind: 'stop', instance: sick.id, app: 'web', why: 'unhealthy' },
    ]);
    expect(planDeployment(target(deployed()), instances, now, backoff, 5001).actions).toEqual([]);
  });

  it('waits for the stop of an unhealthy instance, then replaces it as a failure, backing off when it keeps sickening', () => {
    const base = [
      inst('db', 'healthy', { healthyAt: new Date(0).toISOString() }),
      inst('payment', 'healthy', { healthyAt: new Date(0).toISOString() }),
      inst('web', 'healthy', { healthyAt: new Date(0).toISOString() }),
    ];
    const stopping = inst('web', 'stopping', { since: new Date(now - 100).toISOString() });
    expect(
      planDeployment(target(deployed()), [...base, stopping], now, backoff, 10).actions,
    ).toEqual([]);
    const sickened = (at: number) =>
      inst('web', 'failed', {
        since: new Date(at).toISOString(),
        healthyAt: new Date(at - 2000).toISOString(),
        reason: 'unhealthy',
      });
    expect(
      planDeployment(target(deployed()), [...base, sickened(now - 10)], now, backoff, 10).actions,
    ).toEqual([{ kind: 'request', app: 'web', revision: 1, count: 1 }]);
    const again = planDeployment(
      target(deployed()),
      [...base, sickened(now - 4000), sickened(now - 10)],
      now,
      backoff,
      10,
    );
    expect(again.actions).toEqual([]);
    expect(again.waiting).toEqual([{ app: 'web', reason: 'backing off after 2 failures' }]);
  });

  it('does not replace an instance stranded on a down host', () => {
    const instances = [
      inst('db', 'healthy'),
      inst('payment', 'unhealthy', { stranded: true }),
      inst('web', 'healthy'),
      inst('web', 'healthy'),
    ];
    expect(planDeployment(target(deployed()), instances, now, backoff).actions).toEqual([]);
  });

  it('adds an instance after a scale-out and stops the least useful one after a scale-in', () => {
    let state = deployed();
    const inputs = { averageLoad: 0.9, samples: 3, windowMs: 1000, threshold: 0.75, replicas: 2 };
    state = apply(state, { type: 'scale', app: 'web', to: 3, inputs, metric: 'load' });
    const running = [
      inst('db', 'healthy'),
      inst('payment', 'healthy'),
      inst('web', 'healthy'),
      inst('web', 'healthy'),
    ];
    expect(planDeployment(target(state), running, now, backoff).actions).toEqual([
      { kind: 'request', app: 'web', revision: 1, count: 1 },
    ]);

    state = apply(state, { type: 'scale', app: 'web', to: 2, inputs, metric: 'load' });
    const starting = inst('web', 'starting');
    const plan = planDeployment(target(state), [...running, starting], now, backoff);
    expect(plan.actions).toEqual([
      { kind: 'stop', instance: starting.id, app: 'web', why: 'scale-in' },
    ]);
  });

  it('rolls an updated application one instance at a time: start a new one, wait until healthy, stop an old one', () => {
    let state = deployed();
    state = apply(state, { type: 'apply', spec: shopSpec({ webCpu: '1' }) });
    state = apply(state, { type: 'deploy' });
    const deps = [inst('db', 'healthy'), inst('payment', 'healthy')];
    const old = [inst('web', 'healthy'), inst('web', 'healthy')];
    expect(planDeployment(target(state), [...deps, ...old], now, backoff).actions).toEqual([
      { kind: 'request', app: 'web', revision: 2, count: 1 },
    ]);
    const fresh = inst('web', 'starting', { revision: 2 });
    expect(planDeployment(target(state), [...deps, ...old, fresh], now, backoff).actions).toEqual(
      [],
    );
    const ready = { ...fresh, state: 'healthy' as const };
    const step = planDeployment(target(state), [...deps, ...old, ready], now, backoff);
    expect(step.actions).toEqual([
      { kind: 'stop', instance: old[1].id, app: 'web', why: 'replaced' },
    ]);
  });

  it('stops in reverse order: an application stops only once nothing that depends on it runs', () => {
    const state = apply(deployed(), { type: 'stop' });
    const db = inst('db', 'healthy');
    const pay = inst('payment', 'healthy');
    const web = inst('web', 'healthy');
    expect(planDeployment(target(state), [db, pay, web], now, backoff).actions).toEqual([
      { kind: 'stop', instance: web.id, app: 'web', why: 'service-stopped' },
    ]);
    expect(planDeployment(target(state), [db, pay], now, backoff).actions).toEqual([
      { kind: 'stop', instance: pay.id, app: 'payment', why: 'service-stopped' },
    ]);
    expect(
      planDeployment(target(state), [db, { ...pay, state: 'stopped' }], now, backoff).actions,
    ).toEqual([{ kind: 'stop', instance: db.id, app: 'db', why: 'service-stopped' }]);
    expect(
      planDeployment(target(state), [{ ...db, state: 'stopped' }], now, backoff).actions,
    ).toEqual([{ kind: 'stopped' }]);
  });

  it('stops instances of an application removed from the spec', () => {
    const stray = inst('search', 'healthy');
    const plan = planDeployment(target(deployed()), [inst('db', 'pending'), stray], now, backoff);
    expect(plan.actions).toContainEqual({
      kind: 'stop',
      instance: stray.id,
      app: 'search',
      why: 'requested',
    });
  });
});
