import { Readable } from 'node:stream';
import type { InstanceSpec } from '../layer-driver';
import { SimLayer } from './sim-layer';
import { SimLiveMigrations } from './sim-live-migrations';

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

describe('SimLayer live migration', () => {
  it('cannot live-migrate unless its fleet simulates live moves', () => {
    const layer = new SimLayer(() => 0);
    expect(layer.migrateIn).toBeUndefined();
    expect(layer.migrateOut).toBeUndefined();
  });

  it('moves a running instance to the layer awaiting it, data included: it runs there and no longer here', async () => {
    const live = new SimLiveMigrations();
    const source = new SimLayer(() => 0, live);
    const target = new SimLayer(() => 0, live);
    const moving = spec('shop-db-1', 'db');
    await source.start(moving);
    await source.importData(moving, Readable.from([Buffer.from('rows')]));
    const { uri } = await target.migrateIn!(moving);
    expect((await target.status('shop-db-1')).state).toBe('starting');
    await expect(source.migrateOut!('shop-db-1', { host: 'h2', uri })).resolves.toEqual({
      totalMs: 0,
      downtimeMs: 0,
    });
    expect((await target.status('shop-db-1')).state).toBe('running');
    expect((await source.status('shop-db-1')).state).toBe('stopped');
    expect((await target.usage('shop-db-1')).storageBytes).toBe(4);
  });

  it('keeps the instance running here when nobody awaits it, or the receiver was stopped first', async () => {
    const live = new SimLiveMigrations();
    const source = new SimLayer(() => 0, live);
    const target = new SimLayer(() => 0, live);
    const moving = spec('shop-db-1', 'db');
    await source.start(moving);
    await expect(
      source.migrateOut!('shop-db-1', { host: 'h2', uri: 'sim://nobody/1' }),
    ).rejects.toThrow(/no simulated host awaits shop-db-1/);
    const { uri } = await target.migrateIn!(moving);
    await target.stop('shop-db-1');
    await expect(source.migrateOut!('shop-db-1', { host: 'h2', uri })).rejects.toThrow(
      /no simulated host awaits/,
    );
    expect((await source.status('shop-db-1')).state).toBe('running');
  });
});
