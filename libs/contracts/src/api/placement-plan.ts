import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsNumber, Min, ValidateNested } from 'class-validator';
import { IsResourceName } from '../events/values/identifiers';
import { PlacementPlanInstance } from './placement-plan-instance';

/** The answer of `POST /v1/placements/plan`: where a spec's instances would go now. */
export class PlacementPlan {
  @IsResourceName()
  service: string;

  /** true when every instance found a host. */
  @IsBoolean()
  feasible: boolean;

  /** The planned instances' cost per hour, in all. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  costPerHour: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PlacementPlanInstance)
  instances: PlacementPlanInstance[];
}
