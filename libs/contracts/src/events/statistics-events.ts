import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { ResourceKinds, type ResourceKind } from '../names/resource-kind';
import { IsEntityId } from './values/identifiers';
import { PlacedInstanceEventData } from './values/instance-event-data';

/** One instance's usage over one minute, rolled up from heartbeats; stream `statistics-<instance>`. */
export class UsageRecordedData extends PlacedInstanceEventData {
  /** Start of the minute, ISO-8601 with seconds at 0. */
  @IsISO8601()
  minute: string;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  cpuMillis: number;

  @IsInt()
  @Min(0)
  memoryBytes: number;

  @IsInt()
  @Min(0)
  storageBytes: number;

  /** Bytes sent and received during the minute. */
  @IsInt()
  @Min(0)
  networkBytes: number;

  /** The application's own load (0..1) as its probe reports it, averaged over the minute. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  load?: number;

  @IsInt()
  @Min(1)
  samples: number;

  /** The minute's cost at the host's rates. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  cost: number;
}

export const ForecastScopes = ['fleet', 'site', 'host', 'service'] as const;
export type ForecastScope = (typeof ForecastScopes)[number];

/** A forecast of demand against capacity for one resource; stream `statistics-forecast-<scope>`. */
export class CapacityForecastedData {
  @IsIn(ForecastScopes)
  scope: ForecastScope;

  /** The site, host or service; absent for the fleet. */
  @IsOptional()
  @IsEntityId()
  subject?: string;

  @IsIn(ResourceKinds)
  resource: ResourceKind;

  /** In base units (millicores, bytes, bits per second). */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  demand: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  capacity: number;

  /** Demand forecast at the horizon. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  forecastDemand: number;

  @IsInt()
  @Min(1)
  horizonHours: number;

  /** When demand is forecast to exceed capacity; absent if not within the horizon. */
  @IsOptional()
  @IsISO8601()
  runsOutAt?: string;

  @IsISO8601()
  computedAt: string;
}

/**
 * A service's measured cost per hour went above its `budget.maxCostPerHour`; stream
 * `statistics-budget-<service>`. Appended once per breach: again only after a BudgetRestored.
 */
export class BudgetExceededData {
  @IsEntityId()
  service: string;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  maxCostPerHour: number;

  /** The cost of the service over the hour that ended at `to`. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  costPerHour: number;

  @IsISO8601()
  from: string;

  @IsISO8601()
  to: string;
}

/** A service whose budget was exceeded costs its budget or less again; stream `statistics-budget-<service>`. */
export class BudgetRestoredData extends BudgetExceededData {}
