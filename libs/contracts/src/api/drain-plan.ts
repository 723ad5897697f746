import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsHostId, IsInstanceId, IsResourceName } from '../events/values/identifiers';

/** What an instance costs per hour where it runs now (`before`) and where it would go (`after`). */
export class CostPerHour {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  before: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  after: number;
}

export const DrainMoveModes = ['live', 'cold', 'make-before-break'] as const;
export type DrainMoveMode = (typeof DrainMoveModes)[number];

/** One instance of a drain plan that has somewhere to go. */
export class DrainPlanMove {
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

  /** live: qemu at both ends; cold: stopped, its data copied, started; make-before-break: no data. */
  @IsIn(DrainMoveModes)
  mode: DrainMoveMode;

  @ValidateNested()
  @Type(() => CostPerHour)
  costPerHour: CostPerHour;
}

/** One instance a drain could not move now, and why (its rule, or the filter that rejects every host). */
export class DrainPlanBlocked {
  @IsInstanceId()
  instance: string;

  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  @IsString()
  reason: string;
}

/**
 * `POST /v1/hosts/{id}/drain?dryRun=true` (placement's answer to PlanDrainQuery): where each
 * instance would go, what blocks, and the cost per hour before and after; nothing is appended.
 */
export class DrainPlan {
  @IsHostId()
  host: string;

  /** The named new host of a replacement's plan. */
  @IsOptional()
  @IsHostId()
  with?: string;

  /** In the order the drain would move them (reverse dependency order within each service). */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DrainPlanMove)
  moves: DrainPlanMove[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DrainPlanBlocked)
  blocked: DrainPlanBlocked[];

  /** The cost per hour of the host's instances, all together, before the drain and after it. */
  @ValidateNested()
  @Type(() => CostPerHour)
  costPerHour: CostPerHour;
}
