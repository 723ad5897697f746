import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@federa/testing';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';

/** A one-page shop whose checkout check fails while the test's fault file exists. */
function tillSpec(faultFile: string) {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name: 'till' },
    spec: {
      applications: [
        {
          name: 'front',
          layer: 'process',
          artifact: {
            command: ['node', 'test/fixtures/checkout-app.js'],
            env: { CHECKOUT_FAULT_FILE: faultFile },
          },
          resources: { cpu: '100m', memory: '64Mi', storage: '100Mi' },
          replicas: { min: 1, max: 1 },
          health: { http: { path: '/healthz' }, intervalMs: 200, failureThreshold: 2 },
        },
      ],
      serviceProbe: {
        application: 'front',
        http: { path: '/checkout/health' },
        intervalMs: 500,
        timeoutMs: 1000,
        failureThreshold: 2,
      },
    },
  };
}

describe('a service with an end-to-end probe', () => {
  let plane: ControlPlane;
  let fleet: Fleet;
  let dir: string;

  const service = async () => (await plane.call('GET', '/v1/services/till')).json;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'federa-service-probe-'));
    plane = await startControlPlane('service_probe');
    fleet = await Fleet.start(plane, ['p1']);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is available while the probe passes, degraded with the reason while it fails, and available again once it passes', async () => {
    const faultFile = join(dir, 'fault');
    expect((await plane.call('PUT', '/v1/services/till', tillSpec(faultFile))).status).toBe(200);
    expect((await plane.call('POST', '/v1/services/till/deploy')).status).toBe(202);

    const passing = await eventually(
      async () => {
        const found = await service();
        return found.state === 'available' ? found : undefined;
      },
      30_000,
      100,
    );
    expect(passing.probe).toEqual({
      application: 'front',
      path: '/checkout/health',
      lastResult: 'passed',
      lastAt: expect.any(String),
    });
    const front = passing.applications[0].instances[0].id as string;

    writeFileSync(faultFile, 'payment unreachable\n');
    const why = `GET /checkout/health answered 503: payment unreachable (${front})`;
    const failing = await eventually(
      async () => {
        const found = await service();
        return found.state === 'degraded' ? found : undefined;
      },
      30_000,
      100,
    );
    expect(failing.probe).toMatchObject({ lastResult: 'failed', reason: why });
    expect(failing.applications[0]).toMatchObject({
      name: 'front',
      healthy: 1,
      reason: `service probe failed: ${why}`,
    });
    // The front end itself stays healthy: only the service's check fails, nothing is replaced.
    expect(failing.applications[0].instances).toEqual([
      expect.objectContaining({ id: front, state: 'healthy' }),
    ]);

    rmSync(faultFile);
    const recovered = await eventually(
      async () => {
        const found = await service();
        return found.state === 'available' ? found : undefined;
      },
      30_000,
      100,
    );
    expect(recovered.probe).toMatchObject({ lastResult: 'passed' });
    expect(recovered.probe.reason).toBeUndefined();
    expect(recovered.applications[0].reason).toBeUndefined();

    // Many probes ran meanwhile; the log heard of each change once.
    const health = (await plane.events(['ServiceAvailable', 'ServiceDegraded'])).filter(
      (e) => e.streamId === 'service-till',
    );
    expect(health.map((e) => [e.type, e.data.probe?.result])).toEqual([
      ['ServiceAvailable', 'passed'],
      ['ServiceDegraded', 'failed'],
      ['ServiceAvailable', 'passed'],
    ]);
    expect(health[1].data.apps).toEqual([
      { app: 'front', desired: 1, healthy: 1, reason: `service probe failed: ${why}` },
    ]);
  }, 90_000);
});
