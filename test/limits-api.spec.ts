import type { INestMicroservice } from '@nestjs/common';
import { ServicePage, validatePayload } from '@federa/contracts';
import { PostgresEventStore } from '@federa/eventstore';
import { Pool } from 'pg';
import { hostRegistered, registerHosts } from '../services/placement/src/testing/log-fixture';
import { startPlacement } from './placement-in-process';
import { startControlPlane, type ControlPlane } from './supervision-harness';

/** A service of `apps` applications, each asking for `replicas` instances of a small sim. */
function specOf(name: string, apps: number, replicas = 1, tag = '') {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      applications: Array.from({ length: apps }, (_, i) => ({
        name: `app-${i}${tag}`,
        layer: 'sim',
        resources: { cpu: '100m', memory: '64Mi' },
        replicas: { min: replicas, max: replicas },
      })),
    },
  };
}

function aliasBomb(): string {
  let yaml = 'apiVersion: federa/v1\nkind: Service\nmetadata: { name: bomb }\n';
  yaml += 'x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
  for (let i = 1; i < 12; i++)
    yaml += `x${i}: &x${i} [${Array(10)
      .fill(`*x${i - 1}`)
      .join(', ')}]\n`;
  return yaml;
}

describe('limits through the API', () => {
  let plane: ControlPlane;
  let placement: INestMicroservice;
  let pool: Pool;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    plane = await startControlPlane('limits_api');
    pool = new Pool({ connectionString: plane.database.url, max: 2 });
    const hosts = Array.from({ length: 8 }, (_, i) =>
      hostRegistered(`host-${i}`, {
        capacity: {
          cpuMillis: 32_000,
          memoryBytes: 128 * 1024 ** 3,
          storageBytes: 1024 ** 4,
          bandwidthBps: 10_000_000_000,
        },
      }),
    );
    await registerHosts(new PostgresEventStore(pool), hosts);
    placement = await startPlacement(plane, 1000);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await placement?.close();
    await pool?.end();
    await plane?.close();
  });

  it('refuses JSON nested 10,000 deep with 400 naming the depth limit', async () => {
    const bomb = `{"apiVersion":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    for (const path of ['/v1/services/bomb', '/v1/placements/plan']) {
      const answer = await plane.call(path.endsWith('plan') ? 'POST' : 'PUT', path, bomb);
      expect(answer.status).toBe(400);
      expect(answer.json.error).toMatchObject({
        code: 'validation_failed',
        details: [{ path: '', reason: expect.stringContaining('deeper than the limit of 64') }],
      });
    }
  });

  it('refuses a YAML alias bomb and YAML nested 10,000 deep with 400 naming each limit', async () => {
    const bomb = await plane.call('PUT', '/v1/services/bomb', aliasBomb(), 'application/yaml');
    expect(bomb.status).toBe(400);
    expect(bomb.json.error.details).toEqual([
      { path: '', reason: expect.stringContaining('limit of 100 alias resolutions') },
    ]);
    const deep = `apiVersion: federa/v1\nkind: Service\nmetadata:\n  ${'- '.repeat(10_000)}x\n`;
    const nested = await plane.call('PUT', '/v1/services/bomb', deep, 'application/yaml');
    expect(nested.status).toBe(400);
    expect(nested.json.error.details).toEqual([
      { path: '', reason: expect.stringContaining('deeper than the limit of 64') },
    ]);
  });

  it('refuses cpu "0" and memory 0 with 400 naming each field', async () => {
    const spec = specOf('zero', 1);
    spec.spec.applications[0].resources = { cpu: '0', memory: 0 as unknown as string };
    const answer = await plane.call('PUT', '/v1/services/zero', spec);
    expect(answer.status).toBe(400);
    expect(answer.json.error.details).toEqual([
      { path: 'spec.spec.applications[0].resources.cpu', reason: 'must be more than 0' },
      { path: 'spec.spec.applications[0].resources.memory', reason: 'must be more than 0' },
    ]);
  });

  it('refuses the 5,000-application spec with its limit, on apply and on plan, and every service goes on answering', async () => {
    const huge = specOf('huge', 5000);
    expect(JSON.stringify(huge).length).toBeGreaterThan(256 * 1024);
    const applied = await plane.call('PUT', '/v1/services/huge', huge);
    expect(applied.status).toBe(400);
    expect(applied.json.error.details).toContainEqual({
      path: 'spec.spec.applications',
      reason: '5000 applications exceed the limit of 200 applications per service',
    });
    const planned = await plane.call('POST', '/v1/placements/plan', huge);
    expect(planned.status).toBe(400);
    expect(planned.json.error.details).toContainEqual({
      path: 'spec.spec.applications',
      reason: '5000 applications exceed the limit of 200 applications per service',
    });
    expect((await plane.call('GET', '/v1/services')).status).toBe(200);
    expect((await plane.call('POST', '/v1/placements/plan', specOf('small', 1))).status).toBe(200);
    expect(await plane.events(['ServiceDefined'])).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('plans a spec at the limits end to end through placement: 200 applications, 1,000 instances', async () => {
    const atLimits = specOf('full', 200, 5);
    const planned = await plane.call('POST', '/v1/placements/plan', atLimits);
    expect(planned.status).toBe(200);
    expect(planned.json.instances).toHaveLength(1000);
    expect(planned.json.feasible).toBe(true);
    expect(unhandled).toEqual([]);
  });

  it('lists three services at the limits page by page, following next', async () => {
    for (const name of ['full-a', 'full-b', 'full-c']) {
      const applied = await plane.call('PUT', `/v1/services/${name}`, specOf(name, 200, 5));
      expect(applied.status).toBe(200);
    }
    const names: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await plane.call('GET', `/v1/services?limit=2${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      expect(validatePayload(ServicePage, page.json).ok).toBe(true);
      names.push(...page.json.items.map((s: { name: string }) => s.name));
      after = page.json.next;
      pages++;
    } while (after && pages < 10);
    expect(names).toEqual(['full-a', 'full-b', 'full-c']);
    expect(pages).toBe(2);
    const tooMany = await plane.call('GET', '/v1/services?limit=501');
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.details).toEqual([
      { path: 'limit', reason: 'must not exceed the limit of 500 items per page' },
    ]);
  });

  it('accepts every change of a spec applied at once, each with its own revision', async () => {
    const first = await plane.call('PUT', '/v1/services/race', specOf('race', 1));
    expect(first.json.revision).toBe(1);
    const changes = Array.from({ length: 8 }, (_, i) => specOf('race', 1, 1, `-v${i}`));
    const answers = await Promise.all(
      changes.map((spec) => plane.call('PUT', '/v1/services/race', spec)),
    );
    // Every change differs from the others: none is a no-op, so each must be accepted on its own.
    expect(answers.map((a) => a.status)).toEqual(changes.map(() => 200));
    const revisions = answers.map((a) => a.json.revision as number).sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: changes.length }, (_, i) => i + 2));
    const updates = (await plane.events(['ServiceUpdated']))
      .filter((e) => e.streamId === 'service-race')
      .map((e) => Number(e.data.revision));
    expect(updates).toEqual(revisions);
  });
});
