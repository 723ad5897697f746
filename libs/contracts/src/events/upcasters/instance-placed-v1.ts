/**
 * InstancePlaced v1 carried the chosen host's score as one number (`score`); v2 carries the breakdown
 * (`scores: { total, byScorer }`). A v1 event keeps its total and has no breakdown to show.
 */
export function instancePlacedV1ToV2(data: Record<string, unknown>): Record<string, unknown> {
  const { score, ...rest } = data;
  return { ...rest, scores: { total: typeof score === 'number' ? score : 0, byScorer: {} } };
}
