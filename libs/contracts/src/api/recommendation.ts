import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsHostId, IsInstanceId, IsResourceName } from '../events/values/identifiers';
import { CostPerHour, DrainMoveModes, type DrainMoveMode } from './drain-plan';

/** A recommendation's id: `rec-` and 16 hex digits, a hash of what it moves and where the cluster stood. */
export const RECOMMENDATION_ID_PATTERN = /^rec-[0-9a-f]{16}$/;
export const RECOMMENDATION_ID_RULE = 'must be a recommendation id: "rec-" and 16 hex digits';

/** `GET /v1/recommendations[?service=]` (placement's `cmd.placement.recommendations`); changes nothing. */
export class ListRecommendationsQuery {
  /** Only the instances of this service. */
  @IsOptional()
  @IsResourceName()
  service?: string;
}

/** One cheaper placement that keeps every rule: move `instance` from `from` to `to`. */
export class Recommendation {
  /** Stable while nothing it depends on changes; a recommendation listed again after a change has another id. */
  @Matches(RECOMMENDATION_ID_PATTERN, { message: RECOMMENDATION_ID_RULE })
  id: string;

  @IsInstanceId()
  instance: string;

  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  @IsHostId()
  from: string;

  @IsHostId()
  to: string;

  /** How the migration would move it: live (qemu at both ends), cold (it has data), make-before-break. */
  @IsIn(DrainMoveModes)
  mode: DrainMoveMode;

  /** Its cost per hour where it runs (`before`) and on `to` (`after`), by placement's cost model. */
  @ValidateNested()
  @Type(() => CostPerHour)
  costPerHour: CostPerHour;

  /** `before - after`, per hour. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  savingPerHour: number;

  /** "move shop-db-1a2b3c from geneva-1 to lausanne-2: 0.80/h less". */
  @IsString()
  message: string;
}

/** Placement's answer to ListRecommendationsQuery: the biggest saving first. */
export class RecommendationList {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => Recommendation)
  items: Recommendation[];

  /** The smallest saving per hour worth a move (FEDERA_RECOMMEND_MIN_SAVING_PER_HOUR). */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  minSavingPerHour: number;

  /** What all the listed moves together save per hour. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  savingPerHour: number;
}
