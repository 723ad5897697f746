import { Type } from 'class-transformer';
import { IsArray, IsIn, IsNumber, IsObject, IsString, Min, ValidateNested } from 'class-validator';
import { FilterRejection, PlacementCandidate, PlacementScores } from '../events/instance-events';
import { IsHostId } from '../events/values/identifiers';
import { IsNullable } from './is-nullable';

export const PlacementOutcomes = ['placed', 'failed'] as const;
export type PlacementOutcomeName = (typeof PlacementOutcomes)[number];

/**
 * One placement decision, recorded or planned: the host chosen and why, or why none could be. What
 * an explanation (`GET /v1/placements/{instanceId}`) and each instance of a plan have in common.
 */
export class PlacementOutcome {
  @IsIn(PlacementOutcomes)
  outcome: PlacementOutcomeName;

  /** null when placement failed. */
  @IsNullable()
  @IsHostId()
  host: string | null;

  @IsNullable()
  @IsObject()
  @ValidateNested()
  @Type(() => PlacementScores)
  scores: PlacementScores | null;

  /** What the instance costs per hour on the chosen host; null when placement failed. */
  @IsNullable()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  costPerHour: number | null;

  /** Hosts rejected, by filter, most frequent first. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FilterRejection)
  rejected: FilterRejection[];

  /** The scored candidates, best first (the chosen host first). */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PlacementCandidate)
  candidates: PlacementCandidate[];

  /** The decision in one sentence. */
  @IsString()
  message: string;
}
