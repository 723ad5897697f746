// Worst case: two fresh databases and a few hundred rows, a few seconds; the checker's own waits are
// cut to 1 s, so a failing check fails at once.
import { checkpointPassed, headPosition, ProjectionRunner } from '@federa/eventstore';
import { eventually } from '@federa/testing';
import { HostProjection } from '../../services/inventory/src/infrastructure/host-projection';
import { SupervisionProjection } from '../../services/supervision/src/infrastructure/supervision-projection';
import type { Answer } from '../outage-harness';
import { openTestEventLog, testEvent, type TestEventLog } from '../event-log-fixture';
import { expectFaultInvariants, type CheckedPlane } from './fault-invariants';

const GiB = 1024 ** 3;

/** A host of 1000 millicores and an instance on it asking `cpuMillis`, placed and running. */
async function appendHostAndInstance(log: TestEventLog, cpuMillis: number): Promise<void> {
  await log.store.append('host-h1', 'no-stream', [
    testEvent('HostRegistered', {
      host: 'h1',
      site: 'geneva',
      layers: ['process'],
      capacity: {
        cpuMillis: 1000,
        memoryBytes: 4 * GiB,
        storageBytes: 10 * GiB,
        bandwidthBps: 1e9,
      },
      securityLevel: 3,
      costs: {},
      features: [],
      labels: {},
      epoch: 1,
    }),
  ]);
  const resources = { cpuMillis, memoryBytes: GiB, storageBytes: 0, bandwidthBps: 0 };
  // Placement's claim, on the host's stream, in the same round as the placement.
  await log.store.append('host-h1', 1, [
    testEvent('HostAllocationChanged', {
      host: 'h1',
      instance: 'i1',
      service: 'alpha',
      app: 'web',
      change: 'reserved',
      resources,
    }),
  ]);
  await log.store.append('instance-i1', 'no-stream', [
    testEvent('InstanceRequested', {
      instance: 'i1',
      service: 'alpha',
      app: 'web',
      layer: 'process',
      revision: 1,
      resources,
    }),
    testEvent('InstancePlaced', { instance: 'i1', host: 'h1', epoch: 1, resources }),
    testEvent('InstanceStarting', { instance: 'i1', host: 'h1' }),
    testEvent('InstanceRunning', { instance: 'i1', host: 'h1' }),
  ]);
}

/**
 * Folds the whole log into the read models, as the services' live projections do: again until each
 * has passed the last event (readers see a commit only once older transactions of the server ended).
 */
async function project(log: TestEventLog): Promise<void> {
  const head = await headPosition(log.pool);
  for (const projection of [new HostProjection(), new SupervisionProjection()]) {
    const runner = new ProjectionRunner(log.pool, log.store, projection);
    await eventually(async () => {
      await runner.catchUp();
      return checkpointPassed(log.pool, projection.name, head);
    }, 30_000);
  }
}

/** An API that answers the hosts the read model holds and nothing else. */
function planeOf(log: TestEventLog, hosts: object[]): CheckedPlane {
  return {
    databaseUrl: log.db.url,
    call: async (method: string, path: string): Promise<Answer> =>
      path.startsWith('/v1/hosts')
        ? { status: 200, json: { items: hosts } }
        : { status: 404, json: { error: { code: 'not_found' } } },
  };
}

describe('the fault invariants', () => {
  let log: TestEventLog;

  afterEach(async () => {
    await log?.close();
  });

  it('hold for read models folded from their log, an instance running once and a host within its capacity', async () => {
    log = await openTestEventLog('fault_invariants_hold');
    await appendHostAndInstance(log, 500);
    await project(log);

    const outcomes = await expectFaultInvariants(planeOf(log, []), {
      processTable: () => new Map([['i1', 1]]),
      timeoutMs: 0,
    });

    expect(outcomes.map((o) => `${o.verdict} ${o.name}`)).toEqual([
      'passed projections equal their rebuild',
      'passed no host over-committed',
      'passed no instance running twice',
      'passed every service that should be available is',
      'skipped no acknowledged command lost',
    ]);
    expect(outcomes[0].lines[0]).toMatch(/compared inventory.hosts at position \d+/);
  });

  it('name a read-model row that differs from its rebuild, an over-committed host and an instance running twice', async () => {
    log = await openTestEventLog('fault_invariants_fail');
    await appendHostAndInstance(log, 1500);
    await project(log);
    // A read model changed behind its projection's back, as a lost or doubled page would leave it.
    await log.pool.query(`UPDATE inventory.hosts SET site = 'lausanne' WHERE id = 'h1'`);

    const failure = await expectFaultInvariants(planeOf(log, []), {
      processTable: () => new Map([['i1', 2]]),
      timeoutMs: 0,
    }).catch((error: Error) => error.message);

    expect(failure).toContain('FAILED projections equal their rebuild');
    expect(failure).toContain('inventory.hosts h1.site: live "lausanne" != rebuilt "geneva"');
    expect(failure).toContain(
      "FAILED no host over-committed\n    placement's fold: h1 cpu 1500 > 1000",
    );
    expect(failure).toContain('alpha/web i1 (running on h1): 2 processes');
  });
});
