import { ServiceSummary, validatePayload } from '@federa/contracts';
import { decideService, evolveService, initialServiceState } from './service-decider';
import type { InstanceView } from './instance-view';
import { shopSpec } from '../testing/shop-spec.fixture';
import { serviceSummary } from './service-summary';

function deployedShop() {
  let state = initialServiceState('shop');
  for (const command of [{ type: 'apply', spec: shopSpec() }, { type: 'deploy' }] as const) {
    state = decideService(command, state).reduce(evolveService, state);
  }
  return state;
}

const instance = (id: string, app: string, host: string | undefined): InstanceView => ({
  id,
  service: 'shop',
  app,
  layer: 'process',
  ...(host ? { host } : {}),
  state: host ? 'healthy' : 'pending',
  since: '2026-01-01T00:00:00.000Z',
  revision: 1,
});

describe('serviceSummary', () => {
  it('answers a deployed service in the shape the API contract declares', () => {
    const summary = serviceSummary(deployedShop(), [
      instance('shop-web-1', 'web', 'geneva-1'),
      instance('shop-db-1', 'db', undefined),
    ]);
    const checked = validatePayload(ServiceSummary, summary);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    expect(summary.applications.find((a) => a.name === 'db')?.instances[0].host).toBeNull();
  });

  it('refuses to summarise a deleted service as not found', () => {
    let state = initialServiceState('shop');
    state = decideService({ type: 'apply', spec: shopSpec() }, state).reduce(evolveService, state);
    state = decideService({ type: 'delete' }, state).reduce(evolveService, state);
    expect(() => serviceSummary(state, [])).toThrow(/service shop not found/);
  });
});
