import {
  ErrorCodes,
  FederaError,
  type ErrorBody,
  type ServiceHealthReport,
} from '@federa/contracts';

/** What /readyz answers for one health report: its HTTP status and JSON body. */
export interface ReadinessAnswer {
  status: 200 | 503;
  body: { status: 'ok' } | ErrorBody;
}

/**
 * 200 `{status:"ok"}` when every dependency is up; otherwise 503 in the API's error format, worded
 * as the gateway's /readyz words it, so that one reading serves both.
 */
export function readinessAnswer(report: ServiceHealthReport): ReadinessAnswer {
  const down = report.checks.filter((check) => !check.up);
  if (report.ready && down.length === 0) return { status: 200, body: { status: 'ok' } };
  const error = new FederaError(
    ErrorCodes.unavailable,
    `not ready: ${down.map((d) => `${d.dependency} is down`).join(', ')}`,
    down.map((d) => ({ dependency: d.dependency, status: 'down', reason: d.reason })),
  );
  return { status: 503, body: error.toBody() };
}
