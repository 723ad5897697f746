import type { PlacementCandidate, PlacementOutcome } from '@federa/contracts';
import { renderTable, type Column } from '../render-output';

/**
 * Why an instance is (or would be) where it is: `GET /v1/placements/{id}`, which says how many hosts
 * it considered, and each instance of a plan, which does not.
 */
type ExplainedOutcome = PlacementOutcome & { hostsConsidered?: number };

/** The decision in lines for people: outcome, hosts rejected by filter, candidates with their scores. */
export function explanationLines(explanation: ExplainedOutcome): string[] {
  const considered =
    explanation.hostsConsidered === undefined
      ? ''
      : `, ${explanation.hostsConsidered} host${explanation.hostsConsidered === 1 ? '' : 's'} considered`;
  const lines =
    explanation.outcome === 'placed'
      ? [
          `Placed on ${explanation.host} (score ${explanation.scores?.total ?? '?'}, ` +
            `${formatCostPerHour(explanation.costPerHour)}${considered})`,
        ]
      : [`Not placed: ${explanation.message}${considered ? ` (${considered.slice(2)})` : ''}`];
  if (explanation.rejected.length > 0) {
    lines.push('Rejected hosts:');
    for (const r of explanation.rejected) {
      lines.push(`  ${r.hosts} by ${r.filter}${r.detail ? `: ${r.detail}` : ''}`);
    }
  }
  if (explanation.candidates.length > 0) {
    lines.push('Candidates (best first):');
    lines.push(...indent(renderTable(explanation.candidates, candidateColumns(explanation))));
  }
  return lines;
}

/** `0.0043/h`, or `-` when there is no cost (a failed placement). */
export function formatCostPerHour(costPerHour: number | null): string {
  return costPerHour === null ? '-' : `${Number(costPerHour.toPrecision(3))}/h`;
}

/** HOST, TOTAL, COST/H, then one column per scorer that any candidate has. */
function candidateColumns(explanation: ExplainedOutcome): Column<PlacementCandidate>[] {
  const scorers = [...new Set(explanation.candidates.flatMap((c) => Object.keys(c.byScorer)))];
  return [
    { header: 'HOST', value: (c) => c.host },
    { header: 'TOTAL', value: (c) => c.total },
    { header: 'COST/H', value: (c) => formatCostPerHour(c.costPerHour) },
    ...scorers.map((name) => ({
      header: name.toUpperCase(),
      value: (c: PlacementCandidate) => c.byScorer[name],
    })),
  ];
}

function indent(text: string): string[] {
  return text.split('\n').map((line) => `  ${line}`);
}
