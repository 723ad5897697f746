import type { ServiceSummary } from '@federa/contracts';
import type { ApiClient } from '../api-client';
import { followUntil } from '../follow-until';
import { progressDisplay, type ProgressStream } from '../progress-display';
import {
  serviceOutcome,
  serviceProgressLine,
  waitExitCode,
  type ServiceAction,
} from '../wait-outcome';

/** `--wait` reads the service again this often. */
const pollMs = 500;

/**
 * Follows a service after `action` until it reaches the action's end (wait-outcome.ts) or
 * `timeoutMs` passes, showing its progress on `progress`; says on stderr how it ended when not
 * well. Answers the service as last read and the exit code (0, 4 failed, 5 timed out).
 */
export async function followService(
  api: ApiClient,
  action: ServiceAction,
  first: ServiceSummary,
  timeoutMs: number | undefined,
  progress: ProgressStream,
): Promise<{ service: ServiceSummary; exitCode: number }> {
  const path = `/v1/services/${encodeURIComponent(first.name)}`;
  const { last, outcome } = await followUntil({
    first,
    read: (signal) => api.get<ServiceSummary>(path, { signal }),
    outcome: (service) => serviceOutcome(action, service),
    progress: serviceProgressLine,
    display: progressDisplay(progress),
    timeoutMs,
    pollMs,
  });
  if (outcome === 'failed') process.stderr.write(`${action}: service ${last.name} failed\n`);
  if (outcome === 'going')
    process.stderr.write(
      `${action}: --timeout passed while service ${last.name} was ${last.state} (it goes on)\n`,
    );
  return { service: last, exitCode: waitExitCode(outcome) };
}

/**
 * Progress goes to stdout for people (table, wide), to stderr when stdout carries what a script
 * reads (json, yaml, name).
 */
export function progressStreamFor(format: string): NodeJS.WriteStream {
  return format === 'table' || format === 'wide' ? process.stdout : process.stderr;
}
