// The guest sources opt/federa/env with a shell: a real one reads every value back as it was.
import { execFileSync } from 'node:child_process';
import { guestDiscoveryFiles, shellQuoted } from './domain/guest-discovery';

const sh = (script: string) => execFileSync('sh', ['-c', script], { encoding: 'utf8' });

describe("the guest's env file, read by a shell", () => {
  it('gives every value back as it was, whatever it holds', () => {
    for (const value of [
      '',
      'a b',
      "it's",
      '$(echo ran)',
      '`echo ran`',
      'x\ny=1',
      "'; echo ran ;'",
    ]) {
      expect(sh(`v=${shellQuoted(value)}; printf %s "$v"`)).toBe(value);
    }
  });

  it('sets the variables a guest sources with `set -a; . file`', () => {
    const env = guestDiscoveryFiles(
      {
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
              instances: [
                { instance: 'p-1', host: 'h', address: '192.0.2.1', port: 9000 },
                { instance: 'p-2', host: 'h', address: 'fd00::5', port: 9000 },
              ],
            },
          ],
        },
      },
      true,
    )['opt/federa/env'];
    const out = sh(
      `set -a; ${env}set +a; printf '%s|%s' "$FEDERA_ENDPOINTS_PAYMENT" "$FEDERA_DISCOVERY_URL"`,
    );
    expect(out).toBe('192.0.2.1:9000,[fd00::5]:9000|http://10.0.2.2:7300/v1/discovery/shop');
  });
});
