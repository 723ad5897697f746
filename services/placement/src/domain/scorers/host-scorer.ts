import type { DecisionContext } from '../decision-context';
import type { HostEntry } from '../host-entry';

/**
 * A soft preference: scores every feasible candidate of one decision in [0, 1] (1 = best).
 * Scorers see the candidates together so that they can normalise against each other.
 */
export interface HostScorer {
  readonly name: string;
  /** Relative weight in the total (a weighted mean over the scorers that apply). */
  readonly weight: number;
  appliesTo(context: DecisionContext): boolean;
  score(candidates: readonly HostEntry[], context: DecisionContext): number[];
}
