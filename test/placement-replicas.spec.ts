import { normaliseServiceSpec, type RecordedEvent } from '@federa/contracts';
import {
  compiledContractsEventValidator,
  migrateEventStore,
  PostgresEventStore,
} from '@federa/eventstore';
import { eventually, freshDatabase, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import { readWholeLog as readLogPages } from './event-log-fixture';
import { requestForApplication } from '../services/placement/src/domain/request-for-application';
import { resourceKinds } from '../services/placement/src/domain/resources';
import { PlacementEngine } from '../services/placement/src/engine/placement-engine';
import {
  defineService,
  hostRegistered,
  registerHosts,
  requestInstances,
  specOf,
  testMetadata,
} from '../services/placement/src/testing/log-fixture';

const shopYaml = `
apiVersion: federa/v1
kind: Service
metadata: { name: shop }
spec:
  applications:
    - name: web
      layer: process
      artifact: { command: [node, web.js] }
      resources: { cpu: 500m, memory: 128Mi, storage: 1Gi }
      replicas: { min: 10, max: 10 }
    - name: worker
      layer: process
      artifact: { command: [node, worker.js] }
      resources: { cpu: 500m, memory: 128Mi }
      replicas: { min: 1, max: 100 }
  rules:
    - antiAffinity: [web]
`;

/**
 * Every event in the log. readAll holds back events while any older transaction of the cluster is in
 * flight (other databases' included), so this reads until it has as many events as the table holds.
 */
async function readWholeLog(store: PostgresEventStore): Promise<RecordedEvent[]> {
  const { rows } = await store.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM eventlog.events',
  );
  const whole = await eventually(async (): Promise<RecordedEvent[] | false> => {
    const all = await readLogPages(store);
    return all.length >= rows[0].n && all;
  }, 60_000);
  return whole as RecordedEvent[];
}

/** A replica as it starts: its own pool and store, the log folded up to now. */
async function startReplica(
  url: string,
  options: { roundSize?: number; overlapRounds?: boolean } = {},
): Promise<{ engine: PlacementEngine; pool: Pool }> {
  const pool = new Pool({ connectionString: url, max: 6 });
  const store = new PostgresEventStore(pool, { validate: compiledContractsEventValidator() });
  const engine = new PlacementEngine(store, undefined, { ...options, maxAttempts: 100 });
  await engine.fold(await readWholeLog(store));
  return { engine, pool };
}

describe('two placement replicas placing at the same time', () => {
  let db: FreshDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  const pools: Pool[] = [];

  beforeEach(async () => {
    db = await freshDatabase('placement_replicas');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
    store = new PostgresEventStore(pool);
    await registerHosts(
      store,
      Array.from({ length: 6 }, (_, i) => hostRegistered(`mph-${i}`)),
    );
    await defineService(store, specOf(shopYaml));
  });

  afterEach(async () => {
    await Promise.all(pools.splice(0).map((p) => p.end()));
    await pool.end();
    await db.drop();
  });

  it('never over-commit a host and place exactly what fits', async () => {
    const spec = normaliseServiceSpec(specOf(shopYaml));
    const workers = (prefix: string) =>
      Array.from({ length: 40 }, (_, i) => requestForApplication(spec, 'worker', `${prefix}-${i}`));
    await requestInstances(store, [...workers('a'), ...workers('b')]);
    const [a, b] = await Promise.all([startReplica(db.url), startReplica(db.url)]);
    pools.push(a.pool, b.pool);
    const inBatches = async (engine: PlacementEngine, requests: ReturnType<typeof workers>) => {
      for (let i = 0; i < requests.length; i += 4)
        await engine.place(requests.slice(i, i + 4), testMetadata());
    };
    await Promise.all([inBatches(a.engine, workers('a')), inBatches(b.engine, workers('b'))]);

    const auditor = new PlacementEngine(store);
    await auditor.fold(await readWholeLog(store));
    for (const host of auditor.state.hosts) {
      for (const kind of resourceKinds)
        expect(host.allocated[kind]).toBeLessThanOrEqual(host.capacity[kind]);
    }
    // 6 hosts × 4000m ÷ 500m: 48 of the 80 workers fit, and every one that fits is placed.
    expect(auditor.state.allocationCount).toBe(48);
    const outcomes = [...workers('a'), ...workers('b')].map(
      (r) => auditor.record(r.instance)?.outcome,
    );
    expect(outcomes.filter((o) => o === 'placed')).toHaveLength(48);
    expect(outcomes.filter((o) => o === 'failed')).toHaveLength(32);
    const failure = [...workers('a'), ...workers('b')]
      .map((r) => auditor.record(r.instance)!)
      .find((r) => r.outcome === 'failed')!;
    expect(failure.rejected).toEqual([
      { filter: 'capacity:cpu', hosts: 6, detail: '6 hosts lacked cpu' },
    ]);
  });

  it('keep anti-affine instances on distinct hosts', async () => {
    const spec = normaliseServiceSpec(specOf(shopYaml));
    const webs = (prefix: string) =>
      Array.from({ length: 5 }, (_, i) => requestForApplication(spec, 'web', `${prefix}-${i}`));
    await requestInstances(store, [...webs('a'), ...webs('b')]);
    const [a, b] = await Promise.all([startReplica(db.url), startReplica(db.url)]);
    pools.push(a.pool, b.pool);
    await Promise.all([
      (async () => {
        for (const r of webs('a')) await a.engine.place([r], testMetadata());
      })(),
      (async () => {
        for (const r of webs('b')) await b.engine.place([r], testMetadata());
      })(),
    ]);

    const auditor = new PlacementEngine(store);
    await auditor.fold(await readWholeLog(store));
    const hostsOfWeb = [...webs('a'), ...webs('b')]
      .map((r) => auditor.state.allocation(r.instance)?.host)
      .filter((h): h is string => h !== undefined);
    expect(hostsOfWeb).toHaveLength(6);
    expect(new Set(hostsOfWeb).size).toBe(6);
    const failed = [...webs('a'), ...webs('b')]
      .map((r) => auditor.record(r.instance)!)
      .filter((r) => r.outcome === 'failed');
    expect(failed).toHaveLength(4);
    for (const record of failed)
      expect(record.rejected.map((r) => r.filter)).toEqual(['anti-affinity']);
  });

  it.each([
    ['one after the other', false],
    ['overlapping (deciding the next while the last commits)', true],
  ])(
    'never over-commit a host when each places big batches in rounds, %s',
    async (_, overlapRounds) => {
      await registerHosts(
        store,
        Array.from({ length: 30 }, (_, i) => hostRegistered(`mph-big-${i}`)),
      );
      // 36 hosts × 4000m ÷ 500m: 288 slots for 400 workers and 60 anti-affine webs.
      const spec = normaliseServiceSpec(specOf(shopYaml));
      const requestsOf = (prefix: string) => [
        ...Array.from({ length: 30 }, (_, i) =>
          requestForApplication(spec, 'web', `${prefix}-web-${i}`),
        ),
        ...Array.from({ length: 200 }, (_, i) =>
          requestForApplication(spec, 'worker', `${prefix}-worker-${i}`),
        ),
      ];
      await requestInstances(store, [...requestsOf('a'), ...requestsOf('b')]);
      const [a, b] = await Promise.all([
        startReplica(db.url, { roundSize: 50, overlapRounds }),
        startReplica(db.url, { roundSize: 50, overlapRounds }),
      ]);
      pools.push(a.pool, b.pool);
      const [decidedA, decidedB] = await Promise.all([
        a.engine.place(requestsOf('a'), testMetadata()),
        b.engine.place(requestsOf('b'), testMetadata()),
      ]);

      const log = await readWholeLog(store);
      const auditor = new PlacementEngine(store);
      await auditor.fold(log);
      for (const host of auditor.state.hosts) {
        for (const kind of resourceKinds)
          expect(host.allocated[kind]).toBeLessThanOrEqual(host.capacity[kind]);
      }
      expect(auditor.state.allocationCount).toBe(288);
      const all = [...requestsOf('a'), ...requestsOf('b')];
      // Every request answered exactly once in the log, as its replica said.
      const answers = log.filter(
        (e) => e.type === 'InstancePlaced' || e.type === 'PlacementFailed',
      );
      expect(answers).toHaveLength(all.length);
      expect(new Set(answers.map((e) => e.streamId)).size).toBe(all.length);
      for (const [request, decision] of all.map(
        (r, i) => [r, [...decidedA, ...decidedB][i]] as const,
      ))
        expect(auditor.record(request.instance)?.outcome).toBe(decision.outcome);
      const webHosts = all
        .filter((r) => r.app === 'web')
        .map((r) => auditor.state.allocation(r.instance)?.host)
        .filter((h): h is string => h !== undefined);
      expect(new Set(webHosts).size).toBe(webHosts.length);
    },
  );
});
