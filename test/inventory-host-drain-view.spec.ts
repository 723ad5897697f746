import { randomUUID } from 'node:crypto';
import { HostView, streamIds, validatePayload, type NewEvent } from '@federa/contracts';
import { migrateEventStore, PostgresEventStore, ProjectionRunner } from '@federa/eventstore';
import { freshDatabase, type FreshDatabase } from '@federa/testing';
import { Pool } from 'pg';
import { defaultLivenessPolicy } from '../services/inventory/src/domain/liveness-policy';
import { LivenessTracker } from '../services/inventory/src/domain/liveness-tracker';
import { HostProjection } from '../services/inventory/src/infrastructure/host-projection';
import { HostReadModel } from '../services/inventory/src/infrastructure/host-read-model';

// Inventory's hosts read model shows where a host's drain stands (`drain` on GET /v1/hosts/{id}):
// folded from the drain's events on a real event log, as the projection runner applies them.

const resources = { cpuMillis: 100, memoryBytes: 2 ** 20, storageBytes: 0, bandwidthBps: 0 };

function event(type: string, data: object, occurredAt = new Date().toISOString()): NewEvent {
  return { type, data, metadata: { correlationId: randomUUID(), actor: 'test', occurredAt } };
}

const registered = (host: string) =>
  event('HostRegistered', {
    host,
    site: 'geneva',
    securityLevel: 1,
    layers: ['sim'],
    capacity: { cpuMillis: 4000, memoryBytes: 2 ** 33, storageBytes: 2 ** 35, bandwidthBps: 1e9 },
    costs: { cpuHour: 0.04, memoryGiBHour: 0.005, storageGiBMonth: 0.1, networkGiB: 0.01 },
    features: { ups: false, raid: false },
    epoch: 1,
  });

const placed = (instance: string, host: string) =>
  event('InstancePlaced', {
    service: 'shop',
    app: 'web',
    instance,
    host,
    layer: 'sim',
    resources,
    scores: { total: 1, byScorer: {} },
    hostsConsidered: 1,
    hostEpoch: 1,
    costPerHour: 0.1,
  });

const blockedBy = (instance: string, reason: string) => ({
  instance,
  service: 'shop',
  app: 'db',
  reason,
});

describe("the hosts read model's drain", () => {
  let db: FreshDatabase;
  let pool: Pool;
  let store: PostgresEventStore;
  let runner: ProjectionRunner;
  let hosts: HostReadModel;

  beforeAll(async () => {
    db = await freshDatabase('inventory_drain_view');
    pool = new Pool({ connectionString: db.url, max: 4 });
    await migrateEventStore(pool);
    store = new PostgresEventStore(pool);
    runner = new ProjectionRunner(pool, store, new HostProjection());
    hosts = new HostReadModel(pool, new LivenessTracker(defaultLivenessPolicy, Date.now));
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** The log position of the last event appended here, which the read model must reach. */
  let head = 0;

  async function append(streamId: string, events: NewEvent[]): Promise<void> {
    head = (await store.append(streamId, 'any', events)).lastPosition;
  }

  async function record(host: string, ...events: NewEvent[]): Promise<void> {
    await append(streamIds.host(host), events);
  }

  async function place(instance: string, host: string): Promise<void> {
    await append(streamIds.instance(instance), [placed(instance, host)]);
  }

  // Events become visible to the runner only once no older transaction of the server is open, and
  // other tests' transactions share the server: wait for the position rather than catch up once.
  async function view(host: string): Promise<HostView> {
    await runner.reach(head, 60_000);
    const found = await hosts.get(host);
    if (!found) throw new Error(`no host ${host} in the read model`);
    return found;
  }

  it('has no drain for a host never drained', async () => {
    await record('plain-1', registered('plain-1'));
    expect((await view('plain-1')).drain).toBeNull();
  });

  it('shows a running drain: its start, deadline, replacement host, what is left and what blocks', async () => {
    await record('d-1', registered('d-1'));
    await record('d-2', registered('d-2'));
    await place('shop-web-1', 'd-1');
    await place('shop-db-1', 'd-1');
    const startedAt = '2026-12-07T10:00:00.000Z';
    const deadlineAt = '2026-12-07T11:00:00.000Z';
    await record(
      'd-1',
      event(
        'HostDrainStarted',
        { host: 'd-1', instances: ['shop-db-1', 'shop-web-1'], deadlineAt, replaceWith: 'd-2' },
        startedAt,
      ),
    );
    await append(streamIds.instance('shop-web-1'), [
      event('InstanceRelocated', {
        service: 'shop',
        app: 'web',
        instance: 'shop-web-1',
        host: 'd-2',
        from: 'd-1',
        migration: randomUUID(),
      }),
    ]);
    await record(
      'd-1',
      event('HostDrainBlocked', {
        host: 'd-1',
        blocked: [blockedBy('shop-db-1', 'no feasible host')],
      }),
      event('HostDrainBlocked', {
        host: 'd-1',
        blocked: [blockedBy('shop-db-1', 'not relocatable')],
      }),
    );

    const host = await view('d-1');
    expect(host.state).toBe('draining');
    expect(host.drain).toEqual({
      state: 'draining',
      startedAt,
      deadlineAt,
      replaceWith: 'd-2',
      remaining: ['shop-db-1'],
      blocked: [blockedBy('shop-db-1', 'not relocatable')],
    });
    expect(validatePayload(HostView, host).ok).toBe(true);
  });

  it('clears what blocks once the drain is over, and keeps what stayed on the host as remaining', async () => {
    await record(
      'd-1',
      event('HostDrained', {
        host: 'd-1',
        evacuated: ['shop-web-1'],
        notRelocatable: ['shop-db-1'],
      }),
    );

    const host = await view('d-1');
    expect(host.state).toBe('drained');
    expect(host.drain).toMatchObject({ state: 'drained', remaining: ['shop-db-1'], blocked: [] });
  });

  it('marks a drain past its deadline timed out, listing the instances that stayed and why', async () => {
    await record('t-1', registered('t-1'));
    await place('shop-cache-1', 't-1');
    await record(
      't-1',
      event('HostDrainStarted', { host: 't-1', instances: ['shop-cache-1'] }),
      event('HostDrainBlocked', {
        host: 't-1',
        blocked: [blockedBy('shop-cache-1', 'disruption budget')],
      }),
      event('HostDrainTimedOut', {
        host: 't-1',
        evacuated: [],
        remaining: [blockedBy('shop-cache-1', 'waits for its dependents to move first: web-1')],
      }),
    );

    const drain = (await view('t-1')).drain;
    expect(drain).toMatchObject({
      state: 'timed-out',
      deadlineAt: null,
      replaceWith: null,
      remaining: ['shop-cache-1'],
      blocked: [blockedBy('shop-cache-1', 'waits for its dependents to move first: web-1')],
    });
  });

  it('starts a new drain afresh after one timed out: a new start time and nothing blocking yet', async () => {
    await record(
      't-1',
      event('HostDrainBlocked', {
        host: 't-1',
        blocked: [blockedBy('shop-cache-1', 'disruption budget')],
      }),
    );
    const before = (await view('t-1')).drain!;
    await record(
      't-1',
      event(
        'HostDrainStarted',
        { host: 't-1', instances: ['shop-cache-1'] },
        '2026-12-07T12:00:00.000Z',
      ),
    );
    const drain = (await view('t-1')).drain!;
    expect(drain).toMatchObject({
      state: 'draining',
      startedAt: '2026-12-07T12:00:00.000Z',
      blocked: [],
    });
    expect(drain.startedAt).not.toBe(before.startedAt);
  });

  it('replays the log into a read model made before drains were shown, so past drains appear', async () => {
    const current = await view('d-1');
    // The shape of the table before the drain columns, its checkpoint at the end of the log.
    await pool.query(`ALTER TABLE inventory.hosts DROP COLUMN drain_state, DROP COLUMN drain_started_at,
      DROP COLUMN drain_deadline_at, DROP COLUMN drain_replace_with, DROP COLUMN drain_blocked`);

    const upgraded = new ProjectionRunner(pool, store, new HostProjection());
    // As a service starts its projection: set up (here, the replay from the start), then follow.
    await upgraded.catchUp();
    await upgraded.reach(head, 60_000);
    expect(await hosts.get('d-1')).toEqual(current);
    expect((await hosts.get('t-1'))?.drain).toMatchObject({ state: 'draining' });
  });
});
