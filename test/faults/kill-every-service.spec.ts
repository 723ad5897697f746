import type { RecordedEvent } from '@federa/contracts';
import { Subjects } from '@federa/contracts';
import { advisoryLockKey, PostgresEventStore } from '@federa/eventstore';
import { connectNats } from '@federa/messaging';
import { eventually, freshDatabase, uniquePrefix, type FreshDatabase } from '@federa/testing';
import type { NatsConnection } from 'nats';
import { Pool } from 'pg';
import { readWholeLog as readLogPages } from '../event-log-fixture';
import { resourceKinds } from '../../services/placement/src/domain/resources';
import { PlacementEngine } from '../../services/placement/src/engine/placement-engine';
import { livenessLeaseName } from '../../services/inventory/src/liveness/liveness-lease-name';
import { sagaLeaseName } from '../../services/migration/src/infrastructure/postgres-saga-ownership';
import { migrationLeaseName } from '../../services/migration/src/saga/migration-leadership';
import { relayLeaseName } from '../../services/relay/src';
import { supervisionLeaseName } from '../../services/supervision/src';
import { CommandLedger } from '../acknowledged-commands';
import { OutagePlane, processCounts } from '../outage-harness';
import { readJetStream } from '../relay-support';
import type { ReplicatedService, ServiceReplica } from '../service-replicas';
import { consumerProgress } from '../statistics-process';
import { expectFaultInvariants } from './fault-invariants';

// Worst case 16 min (the hooks' and the test's own bounds: 5 min to start the plane, 7 min for
// the scenario, 4 min to close); about 1 to 2 min on a quiet 2-core machine. Fourteen service
// processes, three agents and their workloads on one machine: each wait below is bounded for a
// machine twice as slow as that.
//
// Not retried (test/retry-once.ts leaves test/faults/ alone): a second run on the plane whose
// replicas it killed would test nothing the first did; a failure prints what was left instead.

const natsUrl = process.env.FEDERA_NATS_URL ?? 'nats://127.0.0.1:4222';
const ended = new Set(['succeeded', 'failed', 'rolled-back']);
const live = new Set(['starting', 'running', 'healthy', 'unhealthy', 'migrating']);

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers and event data of several shapes, checked by the expectations
type Json = any;

/**
 * A service of kv-store applications (process layer), `apps` giving each one's replicas; `spare`
 * raises each one's `replicas.max` above it, which changes the spec without changing what runs.
 */
function serviceSpec(name: string, apps: Record<string, number>, spare = 0): object {
  return {
    apiVersion: 'federa/v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      applications: Object.entries(apps).map(([app, min]) => ({
        name: app,
        layer: 'process',
        artifact: { command: ['node', 'examples/apps/kv-store.js'] },
        resources: { cpu: '250m', memory: '64Mi' },
        replicas: { min, max: min + spare },
        health: { http: { path: '/healthz' }, intervalMs: 500, failureThreshold: 3 },
      })),
    },
  };
}

/** Every event of the log, read until the store has handed out as many as the table holds. */
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

/**
 * Two replicas of every service, each a process of its own from dist/, on one NATS and one database,
 * with real agents (process layer) on three hosts. Services are deployed, changed and stopped
 * through both gateways while a host drains, and one replica of each service is killed (SIGKILL) in
 * the middle of that work: the holder of its lease where it has one; placement's, whose replicas
 * split the instances by number, is started again as its StatefulSet would.
 */
describe('two replicas of every service, one of each killed mid-work', () => {
  let database: FreshDatabase;
  let plane: OutagePlane;
  let pool: Pool;
  let nc: NatsConnection;
  let sampler: NodeJS.Timeout | undefined;
  let starting: Promise<OutagePlane> | undefined;
  /** Whether the scenario ran to its end: if not, afterAll prints what it saw. */
  let finished = false;
  const prefix = uniquePrefix('replicas');
  /** The most processes seen at once for each instance, sampled all along. */
  const mostCopies = new Map<string, number>();
  /** When each step was reached, for a failure's reader (seconds since the start). */
  const steps: string[] = [];
  const startedAt = Date.now();
  const step = (what: string) =>
    steps.push(`${((Date.now() - startedAt) / 1000).toFixed(1)} s ${what}`);

  beforeAll(async () => {
    database = await freshDatabase('replicas_everything');
    pool = new Pool({ connectionString: database.url, max: 3 });
    nc = await connectNats(natsUrl, 'replicas-everything-test');
    starting = OutagePlane.start(database.url, natsUrl, 'replicas', {
      replicas: 2,
      // As the production overlay runs placement: each replica places the instances of its number.
      splitPlacement: true,
      prefix,
      env: { FEDERA_STATISTICS_USAGE_FLUSH_MS: '500', FEDERA_LOG_LEVEL: 'warn' },
      // Room for eight instances a host: a host drained leaves sixteen places.
      fleet: {
        hostConfig: () => ({
          capacity: { cpu: 2, memory: '2Gi', storage: '20Gi', bandwidth: '1Gbps' },
        }),
      },
    });
    plane = await starting;
    step('plane started');
    sampler = setInterval(() => {
      for (const [instance, count] of processCounts())
        mostCopies.set(instance, Math.max(count, mostCopies.get(instance) ?? 0));
    }, 250);
  }, 300_000);

  afterAll(async () => {
    if (!finished) {
      // What the replicas said, for a failure's reader (they log warnings and errors only).
      for (const replica of plane?.replicas?.all ?? [])
        process.stderr.write(
          `--- ${replica.name} (${replica.alive ? 'running' : 'killed'})\n${replica.output.slice(-3000)}\n`,
        );
      process.stderr.write(`steps:\n${steps.join('\n')}\n`);
    }
    clearInterval(sampler);
    // A start still under way when beforeAll gave up is waited for (its own waits are bounded), so
    // that what it started is stopped too.
    await (plane ?? (await starting?.catch(() => undefined)))?.close();
    if (nc) {
      // The event stream and the hosts' data buckets of this run.
      const jsm = await nc.jetstreamManager();
      for await (const name of jsm.streams.names())
        if (name.toLowerCase().includes(prefix))
          await jsm.streams.delete(name).catch(() => undefined);
    }
    await nc?.close();
    await pool?.end();
    await database?.drop();
  }, 240_000);

  const replicas = () => plane.replicas!;
  const events = () => plane.events();
  const service = async (name: string): Promise<Json> =>
    (await plane.call('GET', `/v1/services/${name}`)).json;
  const available = (name: string, timeoutMs: number) =>
    eventually(async () => (await service(name))?.state === 'available', timeoutMs, 250);

  /**
   * Whether the log holds an event of `type` (of `host`): asked of Postgres rather than read from the
   * whole log, since the agents share this process and its polling steals their time.
   */
  async function logged(type: string, host?: string): Promise<boolean> {
    const { rows } = await pool.query(
      `SELECT 1 FROM eventlog.events WHERE type = $1 AND ($2::text IS NULL OR data->>'host' = $2)
        LIMIT 1`,
      [type, host ?? null],
    );
    return rows.length > 0;
  }

  /** The replica of `service` whose Postgres session holds the lease `name`, if any holds it. */
  async function holderOf(name: string): Promise<string | undefined> {
    const { rows } = await pool.query<{ holder: string }>(
      `SELECT a.application_name AS holder
         FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'advisory' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`,
      [advisoryLockKey(name)],
    );
    return rows[0]?.holder;
  }

  /** The lease each leader-based part holds (statistics: its event consumer's). */
  const leases = (): Partial<Record<ReplicatedService, string>> => ({
    relay: relayLeaseName,
    supervision: supervisionLeaseName,
    migration: migrationLeaseName,
    inventory: livenessLeaseName,
    statistics: `statistics-consumer:${new Subjects(prefix).eventStream}:statistics-events`,
  });

  /** How many requests each replica answered, from its /metrics (commands; the gateway's HTTP). */
  async function answeredBy(replica: ServiceReplica): Promise<number> {
    const metric = replica.service === 'gateway' ? 'http_requests_total' : 'federa_commands_total';
    return (await replica.metrics())
      .split('\n')
      .filter((line) => line.startsWith(`${metric}{`))
      .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
  }

  /**
   * What keeps a drain from ending, for a failure's reader: the host's drain as inventory has it,
   * the instances still placed on it, every migration with its state, owner and last events, and
   * who holds each lease.
   */
  async function whatIsLeft(host: string): Promise<string> {
    const lines: string[] = [];
    const log = await events();
    const lastOf = (streamId: string, count: number) =>
      log
        .filter((e) => e.streamId === streamId)
        .slice(-count)
        .map((e) => `${e.position} ${e.type}`)
        .join(', ');
    const drain = (await plane.call('GET', `/v1/hosts/${host}`)).json;
    lines.push(`host ${host}: ${drain?.state}, drain ${JSON.stringify(drain?.drain)}`);
    const onHost: Json[] = (await plane.call('GET', `/v1/instances?host=${host}&limit=500`)).json
      .items;
    for (const i of onHost)
      lines.push(
        `  instance ${i.id} ${i.state} since ${i.since}: ${lastOf(`instance-${i.id}`, 6)}`,
      );
    const migrations: Json[] = (await plane.call('GET', '/v1/migrations?limit=500')).json.items;
    for (const m of migrations) {
      const owner = ended.has(m.state) ? '' : `, owner ${await holderOf(sagaLeaseName(m.id))}`;
      lines.push(
        `  ${m.id} ${m.instance} ${m.from}->${m.to} ${m.state}${owner}: ${lastOf(`migration-${m.id}`, 4)}`,
      );
    }
    for (const [service, lease] of Object.entries(leases()))
      lines.push(`  lease of ${service}: ${(await holderOf(lease)) ?? 'free'}`);
    return lines.join('\n');
  }

  it('shares the work, decides and starts nothing twice, and loses nothing acknowledged', async () => {
    const ledger = new CommandLedger((method, path, body) => plane.call(method, path, body));
    const killed = new Map<ReplicatedService, string>();
    // Both replicas of everything run: two services deployed, and reads of every service's.
    await ledger.send(
      'apply',
      'alpha',
      'PUT',
      '/v1/services/alpha',
      serviceSpec('alpha', { store: 1, worker: 2 }),
    );
    await ledger.send('deploy', 'alpha', 'POST', '/v1/services/alpha/deploy');
    await ledger.send(
      'apply',
      'beta',
      'PUT',
      '/v1/services/beta',
      serviceSpec('beta', { store: 1, worker: 1 }),
    );
    await ledger.send('deploy', 'beta', 'POST', '/v1/services/beta/deploy');
    await available('alpha', 90_000);
    await available('beta', 90_000);
    step('alpha and beta available');
    const instances: Json[] = (await plane.call('GET', '/v1/instances')).json.items;
    const reads = [
      '/v1/hosts',
      '/v1/services',
      '/v1/migrations',
      '/v1/costs',
      `/v1/placements/${instances[0].id}`,
    ];
    for (let round = 0; round < 16; round++)
      await Promise.all(reads.map((path) => plane.call('GET', path)));
    const answered = new Map<string, number>();
    for (const replica of replicas().all)
      if (replica.service !== 'relay') answered.set(replica.name, await answeredBy(replica));

    step('reads answered');
    // The busiest host drains while services are deployed, changed and stopped, and one replica
    // of each service dies (SIGKILL), the holder of its lease where it has one.
    const onHost = new Map<string, number>();
    for (const i of instances) onHost.set(i.host, (onHost.get(i.host) ?? 0) + 1);
    const drained = [...onHost.entries()].sort((a, b) => b[1] - a[1])[0][0];
    // Both go on until the last replica is killed, so that commands meet every kill.
    let killing = true;
    const pause = () => new Promise((resolve) => setTimeout(resolve, 500));
    const cycleGamma = async () => {
      for (let generation = 1; ; generation++) {
        const spec = serviceSpec('gamma', { web: 1 }, generation - 1);
        await ledger.send('apply', 'gamma', 'PUT', '/v1/services/gamma', spec);
        await ledger.send('deploy', 'gamma', 'POST', '/v1/services/gamma/deploy');
        if (generation >= 3 && !killing) return;
        await ledger.send('stop', 'gamma', 'POST', '/v1/services/gamma/stop');
        await pause();
      }
    };
    const scaleAlpha = async () => {
      // replicas.max is replicas.min: a deploy keeps a running application's count within them.
      for (let round = 0; ; round++) {
        const workers = round % 2 === 0 ? 3 : 2;
        const spec = serviceSpec('alpha', { store: 1, worker: workers });
        await ledger.send('apply', 'alpha', 'PUT', '/v1/services/alpha', spec);
        await ledger.send('deploy', 'alpha', 'POST', '/v1/services/alpha/deploy');
        if (workers === 2 && !killing) return;
        await pause();
      }
    };
    const killOne = async (victim: ReplicatedService) => {
      const lease = leases()[victim];
      const holder = lease ? await holderOf(lease) : undefined;
      const replica = replicas().byName(holder ?? `${victim}-a`);
      killed.set(victim, replica.name);
      await replica.kill('SIGKILL');
      step(`${replica.name} killed${holder ? ', the holder of its lease' : ''}`);
    };
    const killStaggered = async () => {
      try {
        await killEach();
      } finally {
        killing = false;
      }
    };
    const killEach = async () => {
      // The migration leader dies with a move of the drain in hand.
      await eventually(() => logged('MigrationStarted'), 90_000, 100);
      await killOne('migration');
      for (const victim of [
        'supervision',
        'relay',
        'placement',
        'inventory',
        'statistics',
        'gateway',
      ] as const) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        await killOne(victim);
      }
      // The instances that fall to the killed placement replica wait for it: its StatefulSet
      // starts it again, under its number.
      await replicas().restart(killed.get('placement')!);
      step(`${killed.get('placement')} started again`);
    };
    await Promise.all([
      ledger.send('drain', drained, 'POST', `/v1/hosts/${drained}/drain`, {}),
      cycleGamma(),
      scaleAlpha(),
      killStaggered(),
    ]);

    step('churn done');
    // Quiescence: the drain done, every move ended, every service available as last asked. A move
    // rolled back because a loaded agent did not answer in time is the drain's own to retry
    // (docs/adr/drain-evacuation.md §4): no operator step here.
    await eventually(() => logged('HostDrained', drained), 180_000, 250).catch(
      async (error: unknown) => {
        step(`${drained} not drained; what is left:\n${await whatIsLeft(drained).catch(String)}`);
        throw error;
      },
    );
    await eventually(
      async () =>
        ((await plane.call('GET', '/v1/migrations?limit=500')).json.items as Json[]).every((m) =>
          ended.has(m.state),
        ),
      90_000,
      250,
    );
    step(`${drained} drained, every move ended`);
    for (const name of ['alpha', 'beta', 'gamma']) await available(name, 90_000);
    const desired = new Map<string, number>();
    for (const name of ['alpha', 'beta', 'gamma'])
      for (const app of (await service(name)).applications)
        desired.set(`${name}/${app.name}`, app.desired);
    expect(Object.fromEntries(desired)).toEqual({
      'alpha/store': 1,
      'alpha/worker': 2,
      'beta/store': 1,
      'beta/worker': 1,
      'gamma/web': 1,
    });
    // Each application runs as many instances as it wants, each instance one process.
    await eventually(
      async () => {
        for (const [key, count] of desired) {
          const [name, app] = key.split('/');
          const running = await plane.runningOf(name, app);
          if (running.size !== count || [...running.values()].some((n) => n !== 1)) return false;
        }
        return true;
      },
      90_000,
      250,
    );

    step('every instance runs once');
    // Leader-based parts: the survivor holds each lease the killed replica held or could take.
    for (const [victim, lease] of Object.entries(leases()) as [ReplicatedService, string][]) {
      const survivor = replicas()
        .of(victim)
        .find((r) => r.alive)!;
      await eventually(async () => (await holderOf(lease)) === survivor.name, 60_000, 250);
    }
    expect(
      replicas()
        .all.filter((r) => !r.alive)
        .map((r) => r.service)
        .sort(),
    ).toEqual(['gateway', 'inventory', 'migration', 'relay', 'statistics', 'supervision']);

    // Work was shared: both replicas of each command-answering service (and both gateways)
    // answered requests before one of them died.
    for (const victim of [
      'inventory',
      'placement',
      'supervision',
      'migration',
      'statistics',
      'gateway',
    ] as const)
      for (const replica of replicas().of(victim))
        expect({ replica: replica.name, answered: answered.get(replica.name)! > 0 }).toEqual({
          replica: replica.name,
          answered: true,
        });

    // Nothing acknowledged lost: each acknowledged command's effect is in the log, in order.
    const log = await events();
    expect(ledger.missingFrom(log)).toEqual([]);

    // Nothing decided twice: each instance requested once, placed or refused once, and started
    // once per placement (again only after its host was lost).
    const byInstance = new Map<string, string[]>();
    for (const e of log)
      if (e.streamId.startsWith('instance-'))
        byInstance.set(e.streamId, [...(byInstance.get(e.streamId) ?? []), e.type]);
    const twice: string[] = [];
    for (const [stream, types] of byInstance) {
      const count = (type: string) => types.filter((t) => t === type).length;
      if (
        count('InstanceRequested') !== 1 ||
        count('InstancePlaced') + count('PlacementFailed') > 1 ||
        count('InstanceStarting') > 1 + count('InstanceLost')
      )
        twice.push(`${stream}: ${types.join(', ')}`);
    }
    expect(twice).toEqual([]);

    // Started once: no instance ever ran as two processes, but for the moment a move that keeps
    // serving (make-before-break) holds the copy it moves to beside the one it moves from.
    const moving = new Set(
      log
        .filter((e) => e.type === 'InstanceMigrating' && e.data.servesWhileMoving)
        .map((e) => String(e.data.instance)),
    );
    // (Other tests' workloads on this machine are sampled too: only this plane's are judged.)
    const doubled = [...mostCopies.entries()].filter(
      ([instance, count]) =>
        byInstance.has(`instance-${instance}`) &&
        (count > 2 || (count === 2 && !moving.has(instance))),
    );
    expect(doubled).toEqual([]);
    // The agents agree: each instance is live on one host at most.
    const liveOn = new Map<string, string[]>();
    for (const [host, { agent }] of plane.fleet.agents)
      for (const instance of byInstance.keys()) {
        const id = instance.slice('instance-'.length);
        if (live.has(agent.core.stateOf(id) ?? 'absent'))
          liveOn.set(id, [...(liveOn.get(id) ?? []), host]);
      }
    expect([...liveOn.entries()].filter(([, hosts]) => hosts.length > 1)).toEqual([]);

    // No host over-committed: the allocations the log holds, folded as placement folds them.
    const store = new PostgresEventStore(pool);
    const auditor = new PlacementEngine(store);
    await auditor.fold(await readWholeLog(store));
    const overCommitted = auditor.state.hosts.flatMap((host) =>
      resourceKinds
        .filter((kind) => host.allocated[kind] > host.capacity[kind])
        .map((kind) => `${host.id} ${kind}: ${host.allocated[kind]} > ${host.capacity[kind]}`),
    );
    expect(overCommitted).toEqual([]);

    // The relay published every event once, through both relays; statistics applied them all.
    const jsm = await nc.jetstreamManager();
    const stream = new Subjects(prefix).eventStream;
    await eventually(
      async () => (await jsm.streams.info(stream)).state.messages >= log.length,
      60_000,
      250,
    );
    const published = await readJetStream(nc, stream);
    const ids = new Set(published.map((m) => m.msgId));
    expect(ids.size).toBe(published.length);
    const unpublished = (
      await pool.query<{ id: string }>(
        'SELECT event_id AS id FROM eventlog.events WHERE position <= $1',
        [log.at(-1)!.position],
      )
    ).rows.filter((r) => !ids.has(r.id));
    expect(unpublished).toEqual([]);
    await eventually(
      async () => {
        const progress = await consumerProgress(pool, 'statistics-events');
        return progress.handled === progress.logged;
      },
      60_000,
      250,
    );

    // And what every fault scenario must leave: read models equal to their rebuild, no host
    // over-committed, every instance running once, every service as last asked, nothing lost.
    step("checks made; the fault suite's invariants");
    await expectFaultInvariants(plane, { ledger, timeoutMs: 120_000 });
    step("the fault suite's invariants hold");
    finished = true;
  }, 420_000);
});
