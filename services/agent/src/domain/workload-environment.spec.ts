import type { ServiceEndpoints } from '@federa/contracts';
import { DEFAULT_PATH, newerEndpoints, workloadEnvironment } from './workload-environment';

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

const facts = {
  service: 'shop',
  instance: 'i-9',
  app: 'web',
  dataDir: '/i/data',
  homeDir: '/i/home',
  tmpDir: '/i/tmp',
  port: 5000,
};

describe('workloadEnvironment', () => {
  it("passes none of the agent's secrets: only its search path, locale and user, and what Federa sets", () => {
    const env = workloadEnvironment(
      {
        PATH: '/bin',
        HOME: '/root',
        TMPDIR: '/tmp/agent',
        USER: 'federa',
        LC_ALL: 'C',
        TERM: 'xterm',
        FEDERA_API_TOKEN: 'secret',
        FEDERA_API_TOKEN_FILE: '/run/federa/admin-token',
        FEDERA_DATABASE_URL: 'postgres://postgres:pw@db/federa',
        FEDERA_NATS_URL: 'nats://x',
        FEDERA_NATS_CREDENTIALS: '/run/federa/agent.nk',
        FEDERA_NATS_TLS_CA: '/run/federa/ca.pem',
        FEDERA_NATS_TLS_KEY: '/run/federa/key.pem',
        FEDERA_SUBJECT_PREFIX: 'federa',
        NODE_OPTIONS: '--require /x.js',
        AWS_SECRET_ACCESS_KEY: 'k',
      },
      facts,
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/i/home',
      TMPDIR: '/i/tmp',
      USER: 'federa',
      LC_ALL: 'C',
      FEDERA_ENDPOINTS_WEB: '',
      PORT: '5000',
      FEDERA_SERVICE: 'shop',
      FEDERA_APPLICATION: 'web',
      FEDERA_INSTANCE: 'i-9',
      FEDERA_DATA_DIR: '/i/data',
    });
  });

  it('gives a search path to a workload whose agent has none', () => {
    expect(workloadEnvironment({ PATH: '' }, facts).PATH).toBe(DEFAULT_PATH);
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

  it("lets the application's env add variables, and HOME, but not override what Federa sets", () => {
    // Specs refuse such an env since the rule exists; one stored before it is overridden here.
    const env = workloadEnvironment(
      { PATH: '/bin' },
      {
        ...facts,
        endpoints: shop,
        env: {
          GREETING: 'hi',
          HOME: '/srv/web',
          PORT: '1',
          FEDERA_INSTANCE: 'other',
          FEDERA_SERVICE: 'bank',
          FEDERA_ENDPOINTS_CATALOG_DB: '10.9.9.9:1',
          FEDERA_ENDPOINTS_ELSEWHERE: '10.9.9.9:2',
        },
      },
    );
    expect(env).toMatchObject({
      GREETING: 'hi',
      HOME: '/srv/web',
      PORT: '5000',
      FEDERA_INSTANCE: 'i-9',
      FEDERA_SERVICE: 'shop',
      FEDERA_ENDPOINTS_CATALOG_DB: '10.0.0.1:4001,10.0.0.2:4002',
    });
    expect(env).not.toHaveProperty('FEDERA_ENDPOINTS_ELSEWHERE');
  });

  it("passes a FEDERA_ variable the application's env gives on purpose (its own token)", () => {
    const env = workloadEnvironment(
      { FEDERA_API_TOKEN: 'admin' },
      { ...facts, env: { FEDERA_API_TOKEN: 'viewer' } },
    );
    expect(env.FEDERA_API_TOKEN).toBe('viewer');
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
