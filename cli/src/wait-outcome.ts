import type { MigrationSummary, ServiceSummary } from '@federa/contracts';
import { ExitCodes } from './exit-code';

/** Where an action that `--wait` follows stands: over, well or badly, or still going. */
export type WaitOutcome = 'succeeded' | 'failed' | 'going';

/** The service actions `--wait` follows. */
export type ServiceAction = 'apply' | 'deploy' | 'stop';

/**
 * Where a service stands for `--wait` after `action`:
 * - deploy: succeeded once available at the revision it rolls out, failed once failed;
 * - stop: succeeded once nothing runs (stopped, or defined: never deployed, so supervision has
 *   nothing to stop and the state stays defined), failed once failed;
 * - apply: nothing is rolled out (deploy does that); it waits for a service being deployed or
 *   stopped to settle: succeeded when defined, stopped or available, failed once failed.
 * Degraded is still going: supervision replaces what is missing.
 */
export function serviceOutcome(action: ServiceAction, service: ServiceSummary): WaitOutcome {
  if (service.state === 'failed') return 'failed';
  switch (action) {
    case 'deploy':
      return service.state === 'available' && service.deployedRevision === service.revision
        ? 'succeeded'
        : 'going';
    case 'stop':
      return service.state === 'stopped' || service.state === 'defined' ? 'succeeded' : 'going';
    case 'apply':
      return ['defined', 'stopped', 'available'].includes(service.state) ? 'succeeded' : 'going';
  }
}

/** Where a migration stands for `--wait`: succeeded, failed or rolled back, or still going. */
export function migrationOutcome(migration: MigrationSummary): WaitOutcome {
  if (migration.state === 'succeeded') return 'succeeded';
  if (migration.state === 'failed' || migration.state === 'rolled-back') return 'failed';
  return 'going';
}

/**
 * The exit code of a followed action: 0 it succeeded, 4 it ended otherwise (failed, rolled
 * back, refused), 5 `--timeout` passed while it was still going.
 */
export function waitExitCode(outcome: WaitOutcome): number {
  if (outcome === 'succeeded') return ExitCodes.ok;
  if (outcome === 'failed') return ExitCodes.refused;
  return ExitCodes.unreachableOrTimedOut;
}

/**
 * `shop deploying: catalog-db 1/1, payment 0/1, web 0/2 healthy`: the service's state and each
 * application's healthy instances out of those it should have, in start order.
 */
export function serviceProgressLine(service: ServiceSummary): string {
  const apps = service.startOrder
    .map((name) => service.applications.find((a) => a.name === name))
    .filter((a) => a !== undefined)
    .map((a) => `${a.name} ${a.healthy}/${a.desired}`);
  const reasons = service.applications
    .filter((a) => a.reason)
    .map((a) => `  ${a.name}: ${a.reason}`);
  const head = `${service.name} ${service.state}`;
  return [apps.length > 0 ? `${head}: ${apps.join(', ')} healthy` : head, ...reasons].join('\n');
}
