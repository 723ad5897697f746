import { ServiceEndpoints, validatePayload, type InstanceState } from '@federa/contracts';
import type { InstanceView } from '../../domain/instance-view';
import {
  decideService,
  evolveService,
  initialServiceState,
  type ServiceCommand,
  type ServiceState,
} from '../../domain/service-decider';
import { shopSpec } from '../../testing/shop-spec.fixture';
import { endpointsToWrite, servingApplications } from './serving-endpoints';

function shop(...commands: ServiceCommand[]): ServiceState {
  let state = initialServiceState('shop');
  for (const command of [{ type: 'apply', spec: shopSpec() } as ServiceCommand, ...commands])
    state = decideService(command, state).reduce(evolveService, state);
  return state;
}

/** The shop with a health check on web: only its healthy instances serve. */
function shopWithCheckedWeb(): ServiceState {
  const state = shop({ type: 'deploy' });
  const deployed = state.deployed!;
  return {
    ...state,
    deployed: {
      ...deployed,
      applications: deployed.applications.map((a) =>
        a.name === 'web'
          ? { ...a, health: { ...a.health, probe: { kind: 'http', path: '/healthz' } } }
          : a,
      ),
    },
  };
}

const instance = (
  id: string,
  app: string,
  state: InstanceState,
  port?: number,
  extra: Partial<InstanceView> = {},
): InstanceView => ({
  id,
  service: 'shop',
  app,
  layer: 'process',
  host: 'mph-1',
  state,
  since: '2026-01-01T00:00:00.000Z',
  revision: 1,
  ...(port ? { endpoint: { address: '10.0.0.1', port } } : {}),
  ...extra,
});

const names = (apps: ReturnType<typeof servingApplications>) =>
  apps?.map((a) => [a.name, a.instances.map((i) => i.instance)]);

describe('the endpoints discovery publishes for a service', () => {
  it('lists every application, empty ones included, so that an app with no peers gets a valid set', () => {
    const apps = servingApplications(shop({ type: 'deploy' }), []);
    expect(names(apps)).toEqual([
      ['web', []],
      ['db', []],
      ['payment', []],
    ]);
    const value = endpointsToWrite('shop', apps, undefined, 7, 1000);
    const checked = validatePayload(ServiceEndpoints, value);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });

  it('counts a healthy instance, and a running one only when its application has no health check', () => {
    const instances = [
      instance('shop-web-b', 'web', 'healthy', 8081),
      instance('shop-web-a', 'web', 'running', 8080),
      instance('shop-db-1', 'db', 'running', 5432),
      instance('shop-payment-1', 'payment', 'unhealthy', 9000),
    ];
    expect(names(servingApplications(shopWithCheckedWeb(), instances))).toEqual([
      ['web', ['shop-web-b']],
      ['db', ['shop-db-1']],
      ['payment', []],
    ]);
  });

  it('leaves out instances without an endpoint, on a down host, starting or stopping', () => {
    const instances = [
      instance('shop-db-1', 'db', 'healthy'),
      instance('shop-db-2', 'db', 'healthy', 5432, { stranded: true }),
      instance('shop-db-3', 'db', 'starting', 5433),
      instance('shop-db-4', 'db', 'stopping', 5434),
      instance('shop-db-5', 'db', 'healthy', 5435),
    ];
    const db = servingApplications(shop({ type: 'deploy' }), instances)?.find(
      (a) => a.name === 'db',
    );
    expect(db?.instances).toEqual([
      { instance: 'shop-db-5', host: 'mph-1', address: '10.0.0.1', port: 5435 },
    ]);
  });

  it('keeps no key for a service that is not meant to run and has nothing serving', () => {
    expect(servingApplications(shop(), [])).toBeUndefined();
    const stopping = shop({ type: 'deploy' }, { type: 'stop' });
    const last = [instance('shop-db-1', 'db', 'healthy', 5432)];
    expect(names(servingApplications(stopping, last))).toEqual([
      ['web', []],
      ['db', ['shop-db-1']],
      ['payment', []],
    ]);
    expect(servingApplications(stopping, [])).toBeUndefined();
  });

  it('writes only when the set changes, with a version above the one the bucket holds', () => {
    const state = shop({ type: 'deploy' });
    const one = servingApplications(state, [instance('shop-db-1', 'db', 'healthy', 5432)]);
    const first = endpointsToWrite('shop', one, undefined, 40, 1000);
    expect(first).toMatchObject({ service: 'shop', version: 40, updatedAt: 1000 });
    const held = first as ServiceEndpoints;
    expect(endpointsToWrite('shop', one, held, 55, 2000)).toBeUndefined();
    const moved = servingApplications(state, [
      instance('shop-db-2', 'db', 'healthy', 5432, { host: 'mph-2' }),
    ]);
    expect(endpointsToWrite('shop', moved, held, 60, 3000)).toMatchObject({ version: 60 });
    // A bucket ahead of this view's position (another leader wrote it): still newer than it.
    expect(endpointsToWrite('shop', moved, { ...held, version: 90 }, 60, 3000)).toMatchObject({
      version: 91,
    });
  });

  it('deletes the key of a service that no longer has one, and only when the bucket holds it', () => {
    const held = endpointsToWrite('shop', [], undefined, 3, 0) as ServiceEndpoints;
    expect(endpointsToWrite('shop', undefined, held, 9, 0)).toBe('delete');
    expect(endpointsToWrite('shop', undefined, undefined, 9, 0)).toBeUndefined();
  });
});
