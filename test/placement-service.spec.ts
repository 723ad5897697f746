import type { INestMicroservice } from '@nestjs/common';
import {
  newEvent,
  PlacementExplanation,
  PlacementPlan,
  streamIds,
  validatePayload,
  type FieldError,
} from '@federa/contracts';
import { migrateEventStore, PostgresEventStore } from '@federa/eventstore';
import { runService, type FederaConfig } from '@federa/runtime';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { ClassConstructor } from 'class-transformer';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { planCommand } from '../cli/src/commands/plan';
import { createGatewayApp, type GatewayApp } from '../services/gateway/src/create-gateway-app';
import { PlacementModule } from '../services/placement/src/placement.module';
import { runCliCommand } from './cli-in-process';
import {
  defineService,
  hostRegistered,
  registerHosts,
  specOf,
  testMetadata,
} from '../services/placement/src/testing/log-fixture';

const token = 'placement-test-token';

/** How an answer departs from its contract class: nothing when it conforms. */
function contractErrors<T extends object>(cls: ClassConstructor<T>, body: unknown): FieldError[] {
  const checked = validatePayload(cls, body);
  return checked.ok ? [] : checked.errors;
}
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const shopYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:
    - name: web
      layer: process
      artifact: { command: [node, web.js] }
      resources: { cpu: 500m, memory: 128Mi, storage: 1Gi, bandwidth: 100Mbps }
      replicas: { min: 2, max: 4 }
      placement: { emphasis: bandwidth }
    - name: vault
      layer: process
      artifact: { command: [node, vault.js] }
      resources: { cpu: 250m, memory: 128Mi }
      placement: { minSecurityLevel: 5 }
  rules:
    - antiAffinity: [web]
`;

let db: FreshDatabase;
let pool: Pool;
let store: PostgresEventStore;
let placement: INestMicroservice;
let gateway: GatewayApp;

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, json: (await response.json()) as any };
}

async function requestInstance(app: 'web' | 'vault', instance: string): Promise<void> {
  const resources =
    app === 'web'
      ? { cpuMillis: 500, memoryBytes: 128 * MiB, storageBytes: GiB, bandwidthBps: 100_000_000 }
      : { cpuMillis: 250, memoryBytes: 128 * MiB, storageBytes: 0, bandwidthBps: 0 };
  await store.append(streamIds.instance(instance), 'no-stream', [
    newEvent(
      'InstanceRequested',
      {
        service: 'shop',
        app,
        instance,
        layer: 'process',
        resources,
        revision: 1,
        reason: 'deploy',
      },
      testMetadata(),
    ),
  ]);
}

/** Like eventually, for checks that answer undefined until the outcome is there. */
async function eventuallyFound<T>(check: () => Promise<T | undefined>): Promise<T> {
  return (await eventually(check)) as T;
}

async function logLength(): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM eventlog.events');
  return Number(rows[0].n);
}

beforeAll(async () => {
  db = await freshDatabase('placement_service');
  pool = new Pool({ connectionString: db.url, max: 4 });
  await migrateEventStore(pool);
  store = new PostgresEventStore(pool);
  await registerHosts(store, [
    hostRegistered('mph-1', { securityLevel: 3 }),
    hostRegistered('mph-2', { securityLevel: 3, site: 'lausanne' }),
    hostRegistered('mph-3', { securityLevel: 1, layers: ['qemu'] }),
  ]);
  await defineService(store, specOf(shopYaml));
  const config: FederaConfig = {
    databaseUrl: db.url,
    natsUrl: process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222',
    httpPort: 0,
    apiToken: token,
    heartbeatMs: 1000,
    subjectPrefix: uniquePrefix('placement'),
  };
  placement = await runService(PlacementModule.forRoot({ config, share: { index: 0, count: 1 } }), {
    name: 'placement',
    config,
  });
  gateway = await createGatewayApp({
    ...config,
    httpHost: '127.0.0.1',
    logLevel: 'silent',
    commandTimeoutMs: 3000,
  });
});

afterAll(async () => {
  await gateway?.close();
  await placement?.close();
  await pool?.end();
  await db?.drop();
});

describe('the placement service', () => {
  it('answers an InstanceRequested with InstancePlaced on a host that fits, and explains it over the API', async () => {
    await requestInstance('web', 'shop-web-1');
    const placed = await eventuallyFound(async () => {
      const { events } = await store.readStream(streamIds.instance('shop-web-1'));
      return events.find((e) => e.type === 'InstancePlaced');
    });
    const data = placed.data as {
      host: string;
      hostEpoch: number;
      scores: { byScorer: Record<string, number> };
    };
    expect(['mph-1', 'mph-2']).toContain(data.host);
    expect(Object.keys(data.scores.byScorer)).toEqual(
      expect.arrayContaining(['cost', 'emphasis', 'binpack']),
    );

    const explained = await eventuallyFound(async () => {
      const answer = await call('GET', '/v1/placements/shop-web-1');
      return answer.status === 200 ? answer : undefined;
    });
    expect(explained.json).toMatchObject({
      instance: 'shop-web-1',
      outcome: 'placed',
      host: data.host,
    });
    expect(contractErrors(PlacementExplanation, explained.json)).toEqual([]);
    // Placement stops once it has ⌈log2 3⌉ = 2 feasible hosts: the qemu-only host is rejected only when visited.
    const { rejected, hostsConsidered } = explained.json as {
      rejected: { hosts: number }[];
      hostsConsidered: number;
    };
    const rejectedHosts = rejected.reduce((sum, r) => sum + r.hosts, 0);
    expect(hostsConsidered).toBe(2 + rejectedHosts);
    expect(rejected).toEqual(
      rejectedHosts === 0
        ? []
        : [{ filter: 'layer', hosts: 1, detail: '1 host lacked the process layer' }],
    );
  });

  it('answers an unplaceable request with PlacementFailed counting the rejected hosts by reason', async () => {
    await requestInstance('vault', 'shop-vault-1');
    const failed = await eventuallyFound(async () => {
      const { events } = await store.readStream(streamIds.instance('shop-vault-1'));
      return events.find((e) => e.type === 'PlacementFailed');
    });
    expect((failed.data as { reasons: unknown }).reasons).toEqual([
      { filter: 'security-level', hosts: 2, detail: '2 hosts were below security level 5' },
      { filter: 'layer', hosts: 1, detail: '1 host lacked the process layer' },
    ]);
    const explained = await eventuallyFound(async () => {
      const answer = await call('GET', '/v1/placements/shop-vault-1');
      return answer.status === 200 ? answer : undefined;
    });
    expect(explained.json.outcome).toBe('failed');
    expect(contractErrors(PlacementExplanation, explained.json)).toEqual([]);
    expect(explained.json.message).toContain('2 hosts were below security level 5');
  });

  it('plans a spec as a dry run that appends nothing', async () => {
    const before = await logLength();
    const plan = await call('POST', '/v1/placements/plan', specOf(shopYaml));
    expect(plan.status).toBe(200);
    expect(plan.json.service).toBe('shop');
    expect(plan.json.feasible).toBe(false);
    expect(contractErrors(PlacementPlan, plan.json)).toEqual([]);
    const webs = plan.json.instances.filter((i: { app: string }) => i.app === 'web');
    expect(webs).toHaveLength(2);
    // A fresh deploy of shop: its running web does not count, so the two webs take the two process
    // hosts (web instances never share one); the vault finds no host of security level 5.
    expect(webs.map((w: { outcome: string }) => w.outcome)).toEqual(['placed', 'placed']);
    expect(new Set(webs.map((w: { host: string }) => w.host))).toEqual(new Set(['mph-1', 'mph-2']));
    expect(await logLength()).toBe(before);
  });

  it('plans a spec file from the CLI: a table of where each instance would go, why one cannot, and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'federa-plan-'));
    try {
      const file = join(dir, 'shop.yaml');
      writeFileSync(file, shopYaml);
      const gatewayOf = { api: gateway.url, token };
      const table = await runCliCommand(planCommand(), ['-f', file], gatewayOf);
      expect(table.exitCode).toBe(1);
      expect(table.printed).toContain('Service shop: NOT every instance fits');
      expect(table.printed).toMatch(/APP\s+INSTANCE\s+HOST\s+SCORE\s+COST\/H\s+WHY/);
      expect(table.printed).toMatch(/web\s+plan-shop-web-\d\s+mph-[12]\s+[\d.]+\s+[\d.]+\/h/);
      expect(table.printed).toMatch(/vault\s+plan-shop-vault-1\s+\(none\).*below security level 5/);

      const explained = await runCliCommand(planCommand(), ['-f', file, '--explain'], gatewayOf);
      expect(explained.printed).toMatch(/plan-shop-vault-1 \(vault\):\n {2}Not placed: /);
      expect(explained.printed).toMatch(/Rejected hosts:\n {4}\d+ by /);
      expect(explained.printed).toMatch(/Candidates \(best first\):\n {4}HOST\s+TOTAL\s+COST\/H/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an invalid spec with every error and its path', async () => {
    const answer = await call('POST', '/v1/placements/plan', {
      apiVersion: 'federa/v1',
      kind: 'Service',
      metadata: { name: 'Bad Name' },
    });
    expect(answer.status).toBe(400);
    expect(answer.json.error.code).toBe('validation_failed');
    const paths = answer.json.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['spec.metadata.name', 'spec.spec']));
  });

  it('answers 404 for an instance it never decided about', async () => {
    const answer = await call('GET', '/v1/placements/never-requested');
    expect(answer.status).toBe(404);
  });
});
