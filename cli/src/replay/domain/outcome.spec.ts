import { RecordedLog, serviceSpec } from './recorded-events.fixture';
import { foldOutcome } from './outcome';

describe('foldOutcome', () => {
  it('folds host and service states and counts each application’s instances by state', () => {
    const log = new RecordedLog()
      .host('h1')
      .host('h2')
      .add('HostCordoned', 'host-h2', { host: 'h2' })
      .add('ServiceDefined', 'service-shop', {
        service: 'shop',
        spec: serviceSpec('shop'),
        revision: 1,
      })
      .add('ServiceDeployStarted', 'service-shop', {
        service: 'shop',
        revision: 1,
        startOrder: ['web'],
      })
      .instance('shop-web-000001', 'shop', 'web')
      .instance('shop-web-000002', 'shop', 'web')
      .add('ServiceAvailable', 'service-shop', { service: 'shop', revision: 1 });
    expect(foldOutcome(log.events)).toEqual({
      hosts: { h1: 'ready', h2: 'ready, cordoned' },
      services: { shop: 'available' },
      instances: { 'shop/web': { pending: 2 } },
    });
  });

  it('forgets a deleted service and its instances', () => {
    const log = new RecordedLog()
      .add('ServiceDefined', 'service-old', {
        service: 'old',
        spec: serviceSpec('old'),
        revision: 1,
      })
      .instance('old-web-000001', 'old', 'web')
      .add('ServiceDeleted', 'service-old', { service: 'old' });
    expect(foldOutcome(log.events)).toEqual({ hosts: {}, services: {}, instances: {} });
  });
});
