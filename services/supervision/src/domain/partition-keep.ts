import type { NormalisedApplication } from '@federa/contracts';
import type { PartitionKeep } from './instance-view';

/**
 * How long a stateless instance on a partitioned host (down, its lease still renewed) is kept
 * before it is replaced: the partition may heal first. @default 10000 (FEDERA_PARTITION_GRACE_MS)
 */
export const defaultPartitionGraceMs = 10_000;

/**
 * Why an instance of `app` on a partitioned host is kept rather than replaced, or undefined once it
 * is to be replaced: an application with data never is (two copies of its data would diverge when
 * the partition heals), a non-relocatable one cannot be, a stateless one waits out the grace.
 */
export function partitionKeep(
  app: { data: NormalisedApplication['data']; placement: { relocatable: boolean } } | undefined,
  downForMs: number,
  graceMs: number,
): PartitionKeep | undefined {
  if (app?.data) return 'has data';
  if (app?.placement.relocatable === false) return 'not relocatable';
  return downForMs < graceMs ? 'within grace' : undefined;
}
