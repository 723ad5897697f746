import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { CostGroupings, type CostGrouping } from '../commands/statistics-queries';
import { IsNullable } from './is-nullable';

/** A service's budget and whether its measured cost per hour is over it now. */
export class CostBudgetView {
  @IsNumber()
  @Min(0)
  maxCostPerHour: number;

  /** When the current breach was recorded (BudgetExceeded); null while within budget. */
  @IsNullable()
  @IsISO8601()
  exceededSince: string | null;

  /** The cost per hour measured at that breach; null while within budget. */
  @IsNullable()
  @IsNumber()
  exceededCostPerHour: number | null;
}

/** One group's cost over the window, in the currency of the hosts' rates. */
export class CostLineView {
  /** The service, `service/application`, host or site. */
  @IsString()
  key: string;

  /** Usage at the rates of the hosts it ran on, with their UPS/RAID surcharges. */
  @IsNumber()
  @Min(0)
  usageCost: number;

  /** The hosts' standing cost: whole for a host or site, a share by reservation otherwise. */
  @IsNumber()
  @Min(0)
  standingCost: number;

  @IsNumber()
  @Min(0)
  cost: number;

  /** For groupBy=service, the service's budget if its spec has one. */
  @IsOptional()
  @ValidateNested()
  @Type(() => CostBudgetView)
  budget?: CostBudgetView;
}

/** `GET /v1/costs`: cost per group over [from, to), most expensive first. */
export class CostReport {
  @IsIn(CostGroupings)
  groupBy: CostGrouping;

  @IsISO8601()
  from: string;

  @IsISO8601()
  to: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CostLineView)
  items: CostLineView[];

  /** Every line plus `unattributed`. */
  @IsNumber()
  @Min(0)
  total: number;

  /** Standing cost of hosts while nothing ran on them: in host and site lines only. */
  @IsNumber()
  @Min(0)
  unattributed: number;
}
