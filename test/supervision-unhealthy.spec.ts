import { eventually } from '@federa/testing';
import { isAlive, persistedHandle } from './agent-harness';
import { Fleet } from './supervision-fleet';
import { startControlPlane, type ControlPlane } from './supervision-harness';
import { unhealthyFailureReason } from '../services/supervision/src/domain/unhealthy-grace';

/** One application that answers its health probe with 503 on demand, or on its own after a while. */
function clinicSpec(name: string, env: Record<string, string> = {}) {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      applications: [
        {
          name: 'patient',
          layer: 'process',
          artifact: { command: ['node', 'test/fixtures/sickening-app.js'], env },
          resources: { cpu: '100m', memory: '64Mi', storage: '100Mi' },
          replicas: { min: 1, max: 1 },
          health: { http: { path: '/healthz' }, intervalMs: 200, failureThreshold: 2 },
        },
      ],
    },
  };
}

type Instance = { id: string; app: string; host: string; state: string };

describe('an instance that stays unhealthy without exiting', () => {
  let plane: ControlPlane;
  let fleet: Fleet;

  const instances = async (service: string): Promise<Instance[]> =>
    (await plane.call('GET', `/v1/instances?service=${service}`)).json.items;
  const healthyOne = async (service: string) =>
    (await eventually(
      async () => (await instances(service)).find((i) => i.state === 'healthy'),
      20_000,
      100,
    )) as Instance;
  const deploy = async (spec: ReturnType<typeof clinicSpec>) => {
    const name = spec.metadata.name;
    expect((await plane.call('PUT', `/v1/services/${name}`, spec)).status).toBe(200);
    expect((await plane.call('POST', `/v1/services/${name}/deploy`)).status).toBe(202);
  };

  beforeAll(async () => {
    plane = await startControlPlane('supervision_unhealthy', { unhealthyGraceMs: 1000 });
    fleet = await Fleet.start(plane, ['u1', 'u2']);
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
  });

  it('is stopped after its grace period, recorded as failed with the reason, and replaced through placement', async () => {
    await deploy(clinicSpec('clinic'));
    const sick = await healthyOne('clinic');
    const pid = persistedHandle(fleet.agents.get(sick.host)!.dataDir, sick.id).pid;

    const answer = await fetch(`http://127.0.0.1:${fleet.portOf(sick.host, sick.id)}/health`, {
      method: 'POST',
      body: JSON.stringify({ healthy: false }),
    });
    expect(answer.status).toBe(200);

    const replacement = (await eventually(
      async () =>
        (await instances('clinic')).find((i) => i.id !== sick.id && i.state === 'healthy'),
      20_000,
      100,
    )) as Instance;
    const mine = (await plane.events()).filter((e) => e.data.instance === sick.id);
    expect(mine.map((e) => e.type).slice(-3)).toEqual([
      'InstanceUnhealthy',
      'InstanceStopRequested',
      'InstanceFailed',
    ]);
    expect(mine.at(-3)!.data).toMatchObject({ consecutiveFailures: 2 });
    expect(mine.at(-2)!.data).toMatchObject({ reason: 'unhealthy', host: sick.host });
    expect(mine.at(-1)!.data).toMatchObject({ reason: unhealthyFailureReason, host: sick.host });
    const requested = (await plane.events(['InstanceRequested'])).find(
      (e) => e.data.instance === replacement.id,
    );
    expect(requested!.data.reason).toBe('replace');
    expect((await plane.events(['InstancePlaced'])).map((e) => e.data.instance)).toContain(
      replacement.id,
    );
    expect(isAlive(pid)).toBe(false);
    // The service turns available once supervision has folded the replacement's health.
    await eventually(
      async () => (await plane.call('GET', '/v1/services/clinic')).json.state === 'available',
      10_000,
      100,
    );
  }, 30_000);

  it('backs off an application that keeps sickening and reports the service failed after repeated failures', async () => {
    await deploy(clinicSpec('ward', { SICKEN_AFTER_MS: '300' }));
    const failed = (await eventually(
      async () =>
        (await plane.events(['ServiceFailed'])).find((e) => e.streamId === 'service-ward'),
      30_000,
      200,
    ))!;
    expect(failed.data).toMatchObject({
      app: 'patient',
      reason: `3 failures in a row, last: ${unhealthyFailureReason}`,
    });
    const failures = (await plane.events(['InstanceFailed'])).filter(
      (e) => e.data.service === 'ward',
    );
    expect(failures.length).toBeGreaterThanOrEqual(3);
    for (const f of failures) expect(f.data.reason).toBe(unhealthyFailureReason);
  }, 40_000);
});
