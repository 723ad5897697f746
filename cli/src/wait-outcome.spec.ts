import type { MigrationSummary, ServiceSummary } from '@federa/contracts';
import {
  migrationOutcome,
  serviceOutcome,
  serviceProgressLine,
  waitExitCode,
  type ServiceAction,
} from './wait-outcome';

function service(state: ServiceSummary['state'], revision = 2, deployedRevision = 2) {
  return {
    name: 'shop',
    state,
    revision,
    deployedRevision,
    startOrder: ['db', 'web'],
    applications: [
      { name: 'web', desired: 2, healthy: 1, min: 2, max: 4, dependsOn: ['db'], instances: [] },
      {
        name: 'db',
        desired: 1,
        healthy: 0,
        min: 1,
        max: 1,
        dependsOn: [],
        reason: 'no host offers layer qemu',
        instances: [],
      },
    ],
  } as ServiceSummary;
}

const outcomes = (action: ServiceAction) =>
  Object.fromEntries(
    (
      ['defined', 'deploying', 'available', 'degraded', 'stopping', 'stopped', 'failed'] as const
    ).map((state) => [state, serviceOutcome(action, service(state))]),
  );

describe('what --wait waits for', () => {
  it('ends a deploy once the service is available at the revision rolled out, or failed', () => {
    expect(outcomes('deploy')).toEqual({
      defined: 'going',
      deploying: 'going',
      available: 'succeeded',
      degraded: 'going',
      stopping: 'going',
      stopped: 'going',
      failed: 'failed',
    });
    expect(serviceOutcome('deploy', service('available', 3, 2))).toBe('going');
  });

  it('ends a stop once nothing runs: stopped, or defined for a service never deployed', () => {
    expect(outcomes('stop')).toEqual({
      defined: 'succeeded',
      deploying: 'going',
      degraded: 'going',
      stopping: 'going',
      available: 'going',
      stopped: 'succeeded',
      failed: 'failed',
    });
  });

  it('ends an apply once the service is at rest, since apply rolls nothing out', () => {
    expect(outcomes('apply')).toEqual({
      defined: 'succeeded',
      deploying: 'going',
      available: 'succeeded',
      degraded: 'going',
      stopping: 'going',
      stopped: 'succeeded',
      failed: 'failed',
    });
  });

  it('ends a migration once it succeeded, failed or was rolled back', () => {
    const migration = (state: MigrationSummary['state']) => ({ state }) as MigrationSummary;
    expect(migrationOutcome(migration('pending'))).toBe('going');
    expect(migrationOutcome(migration('running'))).toBe('going');
    expect(migrationOutcome(migration('succeeded'))).toBe('succeeded');
    expect(migrationOutcome(migration('failed'))).toBe('failed');
    expect(migrationOutcome(migration('rolled-back'))).toBe('failed');
  });

  it('exits 0 on success, 4 on a failed end and 5 when the timeout passed first', () => {
    expect(waitExitCode('succeeded')).toBe(0);
    expect(waitExitCode('failed')).toBe(4);
    expect(waitExitCode('going')).toBe(5);
  });

  it("shows each application's healthy instances in start order, and why one is short", () => {
    expect(serviceProgressLine(service('deploying')).split('\n')).toEqual([
      'shop deploying: db 0/1, web 1/2 healthy',
      '  db: no host offers layer qemu',
    ]);
  });
});
