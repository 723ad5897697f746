/** What one dependency answered to a readiness probe. */
export interface DependencyStatus {
  dependency: string;
  up: boolean;
  /** Why it is considered down. */
  reason?: string;
}

/** Ready when every dependency is up; the ones that are not are named. */
export function readiness(statuses: DependencyStatus[]): {
  ready: boolean;
  down: DependencyStatus[];
} {
  const down = statuses.filter((s) => !s.up);
  return { ready: down.length === 0, down };
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
