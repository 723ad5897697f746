import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { ResourceKinds, type ResourceKind } from '../names/resource-kind';
import { IsEntityId } from './values/identifiers';
import { PlacedInstanceEventData } from './values/instance-event-data';

/**
 * One instance's usage on one host over one hour, summed from its agent's heartbeats; stream
 * `statistics-<instance>`, one event per hour with usage (two in the hour of a move: one per host).
 * Schema version 2; version 1 covered one minute and is read through an upcaster (`periodMinutes` 1).
 */
export class UsageRecordedData extends PlacedInstanceEventData {
  /** Start of the period, ISO-8601: a whole hour (a minute for events recorded as version 1). */
  @IsISO8601({ strict: true })
  from: string;

  /** Length of the period in minutes: 60 (1 for version 1 events). */
  @IsInt()
  @Min(1)
  @Max(60)
  periodMinutes: number;

  /** Minutes of the period in which the instance reported usage on this host. */
  @IsInt()
  @Min(1)
  @Max(60)
  activeMinutes: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  cpuSeconds: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  memoryGibMinutes: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  storageGibHours: number;

  /** Bytes received during the period. */
  @IsInt()
  @Min(0)
  networkInBytes: number;

  /** Bytes sent during the period. */
  @IsInt()
  @Min(0)
  networkOutBytes: number;

  /** The application's own load (0..1) as its probe reports it, averaged over the period. */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  load?: number;

  /** Heartbeats summed. */
  @IsInt()
  @Min(1)
  samples: number;

  /** Only on version 1 events: the minute's cost at the host's rates (costs: GET /v1/costs). */
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  cost?: number;
}

export const ForecastScopes = ['fleet', 'site', 'host', 'service'] as const;
export type ForecastScope = (typeof ForecastScopes)[number];

/** A forecast of demand against capacity for one resource; stream `forecast-<scope>`. */
export class CapacityForecastedData {
  @IsIn(ForecastScopes)
  scope: ForecastScope;

  /** The site, host or service; absent for the fleet. */
  @IsOptional()
  @IsEntityId()
  subject?: string;

  @IsIn(ResourceKinds)
  resource: ResourceKind;

  /** Used in the last complete hour (its average), in base units (millicores, bytes, bits per second). */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  demand: number;

  /** Of the site's (or fleet's) hosts that are not draining, drained or retired. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  capacity: number;

  /** Mean forecast demand at the horizon. */
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  forecastDemand: number;

  @IsInt()
  @Min(1)
  horizonHours: number;

  /** When the upper bound of demand's 80 % prediction interval reaches capacity; absent if not within the horizon. */
  @IsOptional()
  @IsISO8601()
  runsOutAt?: string;

  @IsISO8601()
  computedAt: string;
}

/**
 * A service's measured cost per hour went above its `budget.maxCostPerHour`; stream
 * `budget-<service>`. Appended once per breach: again only after a BudgetRestored.
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

/** A service whose budget was exceeded costs its budget or less again; stream `budget-<service>`. */
export class BudgetRestoredData extends BudgetExceededData {}
