import type { INestMicroservice } from '@nestjs/common';
import { InstancePage, ServicePage, validatePayload } from '@federa/contracts';
import { PostgresEventStore } from '@federa/eventstore';
import { eventually } from '@federa/testing';
import { Pool } from 'pg';
import { hostRegistered, registerHosts } from '../services/placement/src/testing/log-fixture';
import { startPlacement } from './placement-in-process';
import { startControlPlane, type ControlPlane } from './supervision-harness';

const SERVICES = ['full-a', 'full-b', 'full-c'];
const INSTANCES_PER_SERVICE = 1000;

/** A service at the limits: 200 applications of 5 instances each. */
function atLimits(name: string) {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      applications: Array.from({ length: 200 }, (_, i) => ({
        name: `app-${i}`,
        layer: 'sim',
        resources: { cpu: '10m', memory: '16Mi' },
        replicas: { min: 5, max: 5 },
      })),
    },
  };
}

/**
 * Three deployed services at the limits hold 3,000 instances: their summaries together are larger
 * than a page may be, though fewer than `limit`. Every list still answers, page by page.
 */
describe('lists of services at the limits, deployed', () => {
  let plane: ControlPlane;
  let placement: INestMicroservice;
  let pool: Pool;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  /**
   * One page, as a client reads it: a 503 (the gateway shedding reads, or a service busy with the
   * 3,000 instances it just deployed on a loaded machine) is asked again after its Retry-After,
   * up to ten times, and said.
   */
  async function readPage(url: string) {
    for (let attempt = 1; ; attempt++) {
      const page = await plane.call('GET', url);
      if (page.status !== 503 || attempt === 10) return page;
      console.warn(`${url}: 503 ${JSON.stringify(page.json)}; asking again`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** Every item of a list, following next; answers the items and the number of pages. */
  async function everyPage(path: string, limit: number) {
    const items: Array<{ name?: string; id?: string; applications?: unknown[] }> = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const query = `limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const page = await readPage(`${path}${path.includes('?') ? '&' : '?'}${query}`);
      expect(page.status).toBe(200);
      const checked = path.startsWith('/v1/services')
        ? validatePayload(ServicePage, page.json)
        : validatePayload(InstancePage, page.json);
      expect(checked.ok).toBe(true);
      items.push(...page.json.items);
      after = page.json.next;
      pages++;
    } while (after && pages < 100);
    return { items, pages };
  }

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    // Agents never answer here: starts time out quickly and instances stay on their hosts, live.
    plane = await startControlPlane('limits_paging', { tickMs: 500 });
    pool = new Pool({ connectionString: plane.database.url, max: 2 });
    await registerHosts(
      new PostgresEventStore(pool),
      Array.from({ length: 6 }, (_, i) =>
        hostRegistered(`host-${i}`, {
          capacity: {
            cpuMillis: 64_000,
            memoryBytes: 256 * 1024 ** 3,
            storageBytes: 1024 ** 4,
            bandwidthBps: 10_000_000_000,
          },
        }),
      ),
    );
    placement = await startPlacement(plane, 60_000);
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await placement?.close();
    await pool?.end();
    await plane?.close();
  });

  it('deploys three services at the limits and lists them and their 3,000 instances page by page', async () => {
    for (const name of SERVICES) {
      expect((await plane.call('PUT', `/v1/services/${name}`, atLimits(name))).status).toBe(200);
      expect((await plane.call('POST', `/v1/services/${name}/deploy`)).status).toBe(202);
    }
    await eventually(
      async () => {
        const { rows } = await pool.query<{ n: string }>(
          `SELECT count(*) AS n FROM eventlog.events WHERE type = 'InstancePlaced'`,
        );
        return Number(rows[0].n) >= SERVICES.length * INSTANCES_PER_SERVICE;
      },
      240_000,
      1000,
    );

    const services = await everyPage('/v1/services', 100);
    // Together they are larger than a page may be (512 KiB): the page ends early, with next.
    expect(JSON.stringify(services.items).length).toBeGreaterThan(512 * 1024);
    expect(services.pages).toBeGreaterThan(1);
    expect(services.items.map((s) => s.name)).toEqual(SERVICES);
    const shown = services.items.flatMap((s) =>
      (s.applications as Array<{ instances: unknown[] }>).flatMap((a) => a.instances),
    );
    expect(shown).toHaveLength(SERVICES.length * INSTANCES_PER_SERVICE);

    const instances = await everyPage('/v1/instances', 500);
    expect(instances.items).toHaveLength(SERVICES.length * INSTANCES_PER_SERVICE);
    expect(new Set(instances.items.map((i) => i.id)).size).toBe(instances.items.length);
    expect(instances.pages).toBe(6);
    expect(unhandled).toEqual([]);
  }, 420_000);
});
