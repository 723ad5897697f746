import type { PlacementRequest } from './placement-request';
import { describeRejection, rejectionReasons, type RejectionReason } from './rejection-reason';

/** How one candidate host scored: the weighted total and each scorer's part. */
export interface HostScore {
  host: string;
  /** Weighted mean of the scorers that applied, in [0, 1]. */
  total: number;
  costPerHour: number;
  scores: Record<string, number>;
}

/**
 * Why a decision came out as it did. When the stack stops at its candidate limit, the rejection
 * counts cover the hosts it visited, and `hostsVisited` says how many of `hostsTotal` that was.
 */
export interface Explanation {
  hostsTotal: number;
  hostsVisited: number;
  feasibleFound: number;
  /** null when every host was visited. */
  candidateLimit: number | null;
  rejected: Partial<Record<RejectionReason, number>>;
  summary: string;
}

/** "3 hosts lacked storage, 2 were below security level 3" — the rejections, most frequent first. */
export function describeRejections(
  rejected: Partial<Record<RejectionReason, number>>,
  request: PlacementRequest,
): string {
  return rejectionReasons
    .filter((reason) => (rejected[reason] ?? 0) > 0)
    .sort((a, b) => (rejected[b] ?? 0) - (rejected[a] ?? 0))
    .map((reason) => describeRejection(reason, rejected[reason] ?? 0, request))
    .join(', ');
}

/** The one-line story of a successful placement. */
export function placedSummary(
  request: PlacementRequest,
  chosen: HostScore,
  explanation: Omit<Explanation, 'summary'>,
): string {
  const visited =
    explanation.hostsVisited === explanation.hostsTotal
      ? `all ${explanation.hostsTotal} hosts`
      : `${explanation.hostsVisited} of ${explanation.hostsTotal} hosts (visited in random order, stopping at ${explanation.candidateLimit} feasible)`;
  const rejections = describeRejections(explanation.rejected, request);
  return (
    `${request.instance} placed on ${chosen.host} (score ${chosen.total.toFixed(3)}, ` +
    `${chosen.costPerHour.toFixed(4)}/h), best of ${explanation.feasibleFound} feasible among ${visited}` +
    (rejections ? `; ${rejections}` : '')
  );
}

/** The one-line story of a failed placement: every host and why it was refused. */
export function failedSummary(
  request: PlacementRequest,
  explanation: Omit<Explanation, 'summary'>,
): string {
  if (explanation.hostsTotal === 0)
    return `no host can take ${request.instance}: no host is registered`;
  return `no host can take ${request.instance} (${request.service}/${request.app}): ${describeRejections(explanation.rejected, request)}`;
}
