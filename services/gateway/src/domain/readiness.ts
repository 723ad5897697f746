/** What one dependency answered to a readiness probe. */
export interface DependencyStatus {
  dependency: string;
  up: boolean;
  /** Why it is considered down. */
  reason?: string;
  /** Reported, but never makes the gateway unready (a service the API's core does not need). */
  informational?: boolean;
}

/**
 * Ready when every dependency that is not informational is up; the ones that are down are named,
 * informational ones apart (`degraded`).
 */
export function readiness(statuses: DependencyStatus[]): {
  ready: boolean;
  down: DependencyStatus[];
  degraded: DependencyStatus[];
} {
  const down = statuses.filter((s) => !s.up && !s.informational);
  const degraded = statuses.filter((s) => !s.up && s.informational);
  return { ready: down.length === 0, down, degraded };
}

/** The backend services /readyz pings unless told otherwise: every one the API depends on. */
export const readinessServicesDefault: readonly string[] = [
  'inventory',
  'placement',
  'supervision',
  'relay',
  'migration',
  'statistics',
];

/**
 * The services /readyz reports without depending on them: statistics only answers usage, costs and
 * forecasts, so a statistics replica stuck on one event must not take every gateway pod (and with
 * it the whole API) out of a load balancer.
 */
export const readinessInformationalDefault: readonly string[] = ['statistics'];

/**
 * What is wrong with a backend service, from its answer to a health ping (a CommandReply whose
 * result is a ServiceHealthReport), or undefined when it is ready. Names the checks that are down.
 */
export function serviceHealthProblem(reply: unknown): string | undefined {
  const answer = reply as {
    ok?: unknown;
    result?: { ready?: unknown; checks?: unknown };
    error?: { message?: unknown };
  } | null;
  if (!answer || typeof answer !== 'object') return 'its health answer is not an object';
  if (answer.ok !== true)
    return `its health ping failed: ${String(answer.error?.message ?? 'no reason given')}`;
  const result = answer.result;
  if (result?.ready === true) return undefined;
  const checks = Array.isArray(result?.checks)
    ? (result.checks as { dependency?: unknown; up?: unknown; reason?: unknown }[])
    : [];
  const down = checks
    .filter((c) => c.up !== true)
    .map((c) => `${String(c.dependency)}${c.reason === undefined ? '' : ` (${String(c.reason)})`}`);
  return down.length > 0 ? `not ready: ${down.join(', ')}` : 'not ready';
}
