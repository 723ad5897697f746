import type { InstanceView } from './instance-view';
import { assessServiceHealth } from './service-health';

let next = 0;
function instance(
  app: string,
  state: InstanceView['state'],
  extra: Partial<InstanceView> = {},
): InstanceView {
  next += 1;
  return {
    id: `${app}-${next}`,
    service: 'shop',
    app,
    layer: 'process',
    host: 'mph-1',
    state,
    since: new Date(1_000_000 + next * 1000).toISOString(),
    revision: 1,
    ...extra,
  };
}

const targets = [
  { name: 'db', min: 1, desired: 1 },
  { name: 'web', min: 2, desired: 3 },
];

describe('service health', () => {
  it('is available when every application has at least min healthy instances', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'healthy'),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
      instance('web', 'starting'),
    ]);
    expect(health).toEqual({
      state: 'available',
      applications: [
        { name: 'db', desired: 1, min: 1, healthy: 1 },
        { name: 'web', desired: 3, min: 2, healthy: 2 },
      ],
    });
  });

  it('is degraded when an application is short, and says which and why', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'healthy'),
      instance('web', 'healthy'),
      instance('web', 'unhealthy'),
      instance('web', 'pending'),
    ]);
    expect(health.state).toBe('degraded');
    expect(health.applications[1]).toEqual({
      name: 'web',
      desired: 3,
      min: 2,
      healthy: 1,
      reason: '1 of 2 healthy, 1 unhealthy, 1 starting',
    });
  });

  it('is failed when an application is stranded on a down host it may not leave', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'unhealthy', { id: 'db-x', host: 'mph-2', stranded: true }),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('failed');
    expect(health.applications[0]).toMatchObject({
      failed: true,
      reason: 'host down and not relocatable: db-x on mph-2',
    });
  });

  it('does not count a stranded instance last seen healthy as healthy', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'healthy', { id: 'db-x', host: 'mph-2', stranded: true }),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('failed');
    expect(health.applications[0]).toMatchObject({
      healthy: 0,
      failed: true,
      reason: 'host down and not relocatable: db-x on mph-2',
    });
  });

  it('is failed when an application keeps failing, naming the last failure', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'failed', { reason: 'exited with 1' }),
      instance('db', 'failed', { reason: 'exited with 1' }),
      instance('db', 'failed', { reason: 'no host offers the layer' }),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('failed');
    expect(health.applications[0].reason).toBe(
      '3 failures in a row, last: no host offers the layer',
    );
  });

  it('forgets failures that happened before an instance last became healthy', () => {
    const early = instance('db', 'failed', { reason: 'boom' });
    const more = [instance('db', 'failed'), instance('db', 'failed')];
    const recovered = instance('db', 'stopped', { healthyAt: new Date(9_000_000).toISOString() });
    const health = assessServiceHealth(targets, [
      early,
      ...more,
      recovered,
      instance('db', 'pending'),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('degraded');
  });

  it('is degraded, not failed, while an instance with data is cut off behind a partition, and says so', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'lost', { host: 'h2', stranded: true, partitioned: 'has data' }),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('degraded');
    expect(health.applications[0]).toEqual({
      name: 'db',
      desired: 1,
      min: 1,
      healthy: 0,
      reason: 'db: 1 instance on partitioned host h2, not replaced (has data)',
    });
  });

  it('says that stateless instances behind a partition are not replaced yet during the grace', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'healthy'),
      instance('web', 'lost', { host: 'h2', stranded: true, partitioned: 'within grace' }),
      instance('web', 'lost', { host: 'h2', stranded: true, partitioned: 'within grace' }),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('degraded');
    expect(health.applications[1].reason).toBe(
      'web: 2 instances on partitioned host h2, not replaced yet (within grace)',
    );
  });

  it('stays degraded while a stateless instance past the partition grace waits for its replacement', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'healthy'),
      instance('web', 'lost', { host: 'h2', stranded: true, partitioned: 'past grace' }),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('degraded');
    expect(health.applications[1].reason).toBe(
      'web: 1 instance on partitioned host h2, being replaced (past grace)',
    );
  });

  it('is degraded, not failed, while a lost instance waits for the agent of its recovered host to report it', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'lost', { host: 'h2', stranded: true, awaitingReport: true }),
      instance('web', 'healthy'),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('degraded');
    expect(health.applications[0].reason).toBe(
      "db: 1 instance on host h2, back up, awaiting its agent's report",
    );
  });

  it('stays available while a replica moves with its source serving until the target answers', () => {
    const health = assessServiceHealth(targets, [
      instance('db', 'healthy'),
      instance('web', 'migrating', { servingWhileMoving: true }),
      instance('web', 'healthy'),
    ]);
    expect(health.state).toBe('available');
  });
});
