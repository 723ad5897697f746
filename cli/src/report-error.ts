import { FederaError, ValidationFailed } from '@federa/contracts';
import { GatewayUnreachable } from './api-client';

/** What the user sees when a command fails: `error: <code>: <message>` and one line per detail. */
export function errorLines(error: unknown): string[] {
  if (error instanceof GatewayUnreachable) {
    return [`error: unavailable: ${error.message}`, `  hint: ${error.hint}`];
  }
  if (error instanceof FederaError || error instanceof ValidationFailed) {
    const federa = FederaError.from(error);
    return [`error: ${federa.code}: ${federa.message}`, ...federa.details.map(detailLine)];
  }
  return [`error: ${error instanceof Error ? error.message : String(error)}`];
}

function detailLine(detail: unknown): string {
  if (detail && typeof detail === 'object' && 'path' in detail && 'reason' in detail) {
    const { path, reason } = detail as { path: string; reason: string };
    return `  - ${path || '(root)'}: ${reason}`;
  }
  return `  - ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`;
}
