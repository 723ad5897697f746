import type { ServiceEndpoints } from '@federa/contracts';
import { newerEndpoints, workloadEnvironment } from './workload-environment';

const shop: ServiceEndpoints = {
  service: 'shop',
  version: 7,
  updatedAt: 1,
  applications: [
    {
      name: 'catalog-db',
      instances: [
        { instance: 'i-1', host: 'h1', address: '10.0.0.1', port: 4001 },
        { instance: 'i-2', host: 'h2', address: '10.0.0.2', port: 4002 },
      ],
    },
    { name: 'payment', instances: [] },
  ],
};

const facts = { instance: 'i-9', app: 'web', dataDir: '/d', port: 5000 };

describe('workloadEnvironment', () => {
  it('keeps only the allow-listed variables of the agent, never its tokens or URLs', () => {
    const env = workloadEnvironment(
      {
        PATH: '/bin',
        HOME: '/root',
        LC_ALL: 'C',
        FEDERA_API_TOKEN: 'secret',
        FEDERA_DATABASE_URL: 'postgres://x',
        FEDERA_NATS_URL: 'nats://x',
        AWS_SECRET_ACCESS_KEY: 'k',
      },
      facts,
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/root',
      LC_ALL: 'C',
      FEDERA_ENDPOINTS_WEB: '',
      PORT: '5000',
      FEDERA_INSTANCE: 'i-9',
      FEDERA_DATA_DIR: '/d',
    });
  });

  it("names every application's endpoints, an empty list for one where none serves", () => {
    const env = workloadEnvironment(
      {},
      { ...facts, endpoints: shop, discoveryUrl: 'http://127.0.0.1:9/v1/discovery/shop' },
    );
    expect(env.FEDERA_ENDPOINTS_CATALOG_DB).toBe('10.0.0.1:4001,10.0.0.2:4002');
    expect(env.FEDERA_ENDPOINTS_PAYMENT).toBe('');
    expect(env.FEDERA_ENDPOINTS_WEB).toBe('');
    expect(env.FEDERA_DISCOVERY_URL).toBe('http://127.0.0.1:9/v1/discovery/shop');
  });

  it("lets the application's env add variables but not override what Federa sets", () => {
    const env = workloadEnvironment(
      {},
      { ...facts, env: { GREETING: 'hi', PORT: '1', FEDERA_INSTANCE: 'other' } },
    );
    expect(env).toMatchObject({ GREETING: 'hi', PORT: '5000', FEDERA_INSTANCE: 'i-9' });
  });
});

describe('newerEndpoints', () => {
  it('answers the set of the higher version, or the one there is', () => {
    const older = { ...shop, version: 3 };
    expect(newerEndpoints(older, shop)).toBe(shop);
    expect(newerEndpoints(shop, older)).toBe(shop);
    expect(newerEndpoints(undefined, older)).toBe(older);
    expect(newerEndpoints(undefined, undefined)).toBeUndefined();
  });
});
