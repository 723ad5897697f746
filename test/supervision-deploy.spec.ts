import { eventually } from '@federa/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Fleet } from './supervision-fleet';
import { describeInstanceCommand } from '../cli/src/commands/describe-instance';
import { runCliCommand } from './cli-in-process';
import { apiToken, startControlPlane, type ControlPlane } from './supervision-harness';

// Short cooldown and window so that scaling in can be watched within a test.
const shopYaml = readFileSync(join(__dirname, '..', 'examples', 'shop.yaml'), 'utf8').replace(
  'cooldownMs: 30000',
  'cooldownMs: 1500',
);

type Instance = { id: string; app: string; host: string; state: string };

describe('deploying the e-commerce service on real agents', () => {
  let plane: ControlPlane;
  let fleet: Fleet;

  const service = async () => (await plane.call('GET', '/v1/services/shop')).json;
  const instances = async (): Promise<Instance[]> =>
    (await plane.call('GET', '/v1/instances?service=shop')).json.items;
  const availableAfter = async (position: number, timeoutMs = 90_000) =>
    eventually(
      async () => (await plane.events(['ServiceAvailable'])).some((e) => e.position > position),
      timeoutMs,
      200,
    );
  const lastPosition = async () => (await plane.events()).at(-1)?.position ?? 0;

  beforeAll(async () => {
    plane = await startControlPlane('supervision_deploy', { scalingWindowMs: 1000 });
    // No host dies here: a generous down threshold keeps an agent starved of CPU by the rest of the
    // suite from being declared down (and its instances replaced) while the deploy is watched.
    fleet = await Fleet.start(plane, ['h1', 'h2', 'h3', 'h4', 'h5'], { downAfterMs: 10_000 });
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
    await plane?.close();
  });

  it('starts the applications in dependency order, each once what it depends on is healthy', async () => {
    expect(
      (await plane.call('PUT', '/v1/services/shop', shopYaml, 'application/yaml')).status,
    ).toBe(200);
    expect((await plane.call('POST', '/v1/services/shop/deploy')).status).toBe(202);
    await availableAfter(0, 45_000);
    // The API answers from the read model, which follows the log a moment behind.
    await eventually(async () => (await service()).state === 'available', 5000, 50);

    const log = await plane.events();
    const first = (type: string, app: string) =>
      log.find((e) => e.type === type && e.data.app === app)?.position ?? Infinity;
    expect(first('InstanceRequested', 'catalog-db')).toBeLessThan(
      first('InstanceHealthy', 'catalog-db'),
    );
    expect(first('InstanceHealthy', 'catalog-db')).toBeLessThan(
      first('InstanceRequested', 'payment'),
    );
    expect(first('InstanceHealthy', 'payment')).toBeLessThan(first('InstanceRequested', 'web'));

    const running = await instances();
    const web = running.filter((i) => i.app === 'web');
    const payment = running.filter((i) => i.app === 'payment');
    expect(web).toHaveLength(2);
    expect(new Set(web.map((i) => i.host)).size).toBe(2);
    expect(web.map((i) => i.host)).not.toContain(payment[0].host);
  }, 60_000);

  it('explains from the CLI why a front-end instance is on its host', async () => {
    const web = (await instances()).find((i) => i.app === 'web') as Instance;
    const { printed, exitCode } = await runCliCommand(describeInstanceCommand(), [web.id], {
      api: plane.gateway.url,
      token: apiToken,
    });
    expect(exitCode).toBe(0);
    expect(printed).toContain(`Instance: ${web.id}`);
    expect(printed).toContain('Service:  shop / web');
    expect(printed).toContain(`Host:     ${web.host} (process)`);
    expect(printed).toMatch(new RegExp(`Placed on ${web.host} \\(score [\\d.]+, [\\d.]+/h`));
    expect(printed).toMatch(
      new RegExp(`Candidates \\(best first\\):\n\\s+HOST.*\n\\s+${web.host}\\s`),
    );

    const missing = await runCliCommand(describeInstanceCommand(), ['shop-web-000000'], {
      api: plane.gateway.url,
      token: apiToken,
    });
    expect(missing.exitCode).toBe(3);
    expect(missing.printed).toContain('not_found');
  });

  it('replaces a killed instance: the service is degraded, then available again', async () => {
    const before = await lastPosition();
    const victim = (await instances()).find((i) => i.app === 'web') as Instance;
    const entry = fleet.agents.get(victim.host);
    const { killGroup, persistedHandle } = await import('./agent-harness');
    killGroup(persistedHandle(entry!.dataDir, victim.id).pid);

    await availableAfter(before);
    const log = (await plane.events()).filter((e) => e.position > before);
    const failed = log.findIndex(
      (e) => e.type === 'InstanceFailed' && e.data.instance === victim.id,
    );
    const degraded = log.findIndex((e) => e.type === 'ServiceDegraded');
    const replacement = log.findIndex(
      (e) => e.type === 'InstanceRequested' && e.data.app === 'web' && e.data.reason === 'replace',
    );
    const available = log.findIndex((e) => e.type === 'ServiceAvailable');
    expect(failed).toBeGreaterThanOrEqual(0);
    expect(degraded).toBeGreaterThan(failed);
    expect(replacement).toBeGreaterThan(failed);
    expect(available).toBeGreaterThan(degraded);
    expect(
      (await instances()).filter((i) => i.app === 'web' && i.state === 'healthy'),
    ).toHaveLength(2);
  }, 120_000);

  it('scales the front end out above the load threshold, then back in after the cooldown', async () => {
    const pin = async (load: number | null) => {
      const web = (await instances()).filter((i) => i.app === 'web' && i.state === 'healthy');
      await Promise.all(
        web.map((i) =>
          fetch(`http://127.0.0.1:${fleet.portOf(i.host, i.id)}/load`, {
            method: 'POST',
            body: JSON.stringify({ load }),
          }),
        ),
      );
    };
    await pin(0.95);
    const out = await eventually(async () => (await plane.events(['ScaledOut']))[0], 90_000, 200);
    expect(out.data).toMatchObject({
      app: 'web',
      from: 2,
      to: 3,
      reason: { metric: 'load', threshold: 0.75 },
    });
    expect(out.data.reason.value).toBeGreaterThan(0.75);
    await eventually(
      async () =>
        (await instances()).filter((i) => i.app === 'web' && i.state === 'healthy').length >= 3,
      60_000,
      200,
    );

    await pin(0.05);
    const inEvent = await eventually(
      async () => (await plane.events(['ScaledIn']))[0],
      60_000,
      200,
    );
    expect(inEvent.data).toMatchObject({ app: 'web' });
    expect(inEvent.data.to).toBe(inEvent.data.from - 1);
    expect(inEvent.data.reason.belowForMs).toBeGreaterThanOrEqual(1500);
    await eventually(
      async () =>
        (await service()).applications.find((a: { name: string }) => a.name === 'web').desired ===
        2,
      60_000,
      200,
    );
    await eventually(
      async () => (await instances()).filter((i) => i.app === 'web').length === 2,
      60_000,
      200,
    );
  }, 300_000);

  it('stops the service in reverse dependency order', async () => {
    const before = await lastPosition();
    expect((await plane.call('POST', '/v1/services/shop/stop')).status).toBe(202);
    await eventually(async () => (await service()).state === 'stopped', 30_000, 200);
    const stops = (await plane.events(['InstanceStopped'])).filter((e) => e.position > before);
    const last = (app: string) =>
      Math.max(...stops.filter((e) => e.data.app === app).map((e) => e.position));
    const first = (app: string) =>
      Math.min(...stops.filter((e) => e.data.app === app).map((e) => e.position));
    expect(last('web')).toBeLessThan(first('payment'));
    expect(last('payment')).toBeLessThan(first('catalog-db'));
  }, 60_000);
});
