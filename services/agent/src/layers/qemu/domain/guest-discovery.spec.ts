import type { InstanceSpec } from '../../layer-driver';
import { guestDiscoveryFiles, guestUrl } from './guest-discovery';

const spec: InstanceSpec = {
  instance: 'vm-1',
  service: 'shop',
  app: 'web',
  artifact: { port: 8080 },
  resources: { cpuMillis: 100, memoryBytes: 1, storageBytes: 1, bandwidthBps: 1 },
  dataDir: '/d',
  discoveryUrl: 'http://127.0.0.1:7300/v1/discovery/shop',
  endpoints: {
    service: 'shop',
    version: 4,
    updatedAt: 1,
    applications: [
      {
        name: 'payment',
        instances: [{ instance: 'p-1', host: 'h', address: '192.0.2.1', port: 9000 }],
      },
    ],
  },
};

describe('guestDiscoveryFiles', () => {
  it("gives a networked guest the workload's variables, its discovery URL through 10.0.2.2, and the set as JSON", () => {
    const files = guestDiscoveryFiles(spec, true);
    expect(files['opt/federa/env']).toBe(
      "FEDERA_SERVICE='shop'\nFEDERA_APPLICATION='web'\nFEDERA_INSTANCE='vm-1'\nFEDERA_ENDPOINTS_WEB=''\nFEDERA_ENDPOINTS_PAYMENT='192.0.2.1:9000'\n" +
        "FEDERA_DISCOVERY_URL='http://10.0.2.2:7300/v1/discovery/shop'\n",
    );
    expect(JSON.parse(files['opt/federa/endpoints'])).toMatchObject({ version: 4 });
  });

  it('gives a guest without a network no discovery URL it could not reach', () => {
    expect(guestDiscoveryFiles(spec, false)['opt/federa/env']).not.toContain('DISCOVERY_URL');
  });
});

describe('guestUrl', () => {
  it('rewrites only the loopback', () => {
    expect(guestUrl('http://192.0.2.7:1/v1/discovery/x')).toBe('http://192.0.2.7:1/v1/discovery/x');
    expect(guestUrl('http://[::1]:1/v1/discovery/x')).toBe('http://10.0.2.2:1/v1/discovery/x');
  });
});
