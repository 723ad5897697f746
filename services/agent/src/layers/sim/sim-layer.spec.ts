import type { InstanceSpec } from '../layer-driver';
import { SimLayer } from './sim-layer';

const spec = (instance: string, app: string): InstanceSpec => ({
  instance,
  service: 'shop',
  app,
  artifact: {},
  resources: { cpuMillis: 100, memoryBytes: 1e6, storageBytes: 0, bandwidthBps: 0 },
  dataDir: `/nonexistent/${instance}`,
});

describe('SimLayer.failOneOf', () => {
  it('fails one running instance of the application and answers its id, none when none runs', async () => {
    const layer = new SimLayer(() => 0);
    await layer.start(spec('shop-web-1', 'web'));
    await layer.start(spec('shop-db-1', 'db'));
    expect(layer.failOneOf('shop', 'web')).toBe('shop-web-1');
    expect((await layer.status('shop-web-1')).state).toBe('failed');
    expect((await layer.status('shop-db-1')).state).toBe('running');
    expect(layer.failOneOf('shop', 'web')).toBeUndefined();
    expect(layer.failOneOf('other', 'db')).toBeUndefined();
  });
});
