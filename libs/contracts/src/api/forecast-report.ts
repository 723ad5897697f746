import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { ResourceKinds } from '../names/resource-kind';
import { IsNullable } from './is-nullable';

/** What statistics forecasts: used capacity of the fleet and of each site, demand of each application. */
export const ForecastSubjectScopes = ['fleet', 'site', 'application'] as const;
export type ForecastSubjectScope = (typeof ForecastSubjectScopes)[number];

/** The four resources, plus an application's own load (0..1, as its probe reports it). */
export const ForecastQuantities = [...ResourceKinds, 'load'] as const;
export type ForecastQuantity = (typeof ForecastQuantities)[number];

/** Units of each quantity, in the event contract's base units. */
export const ForecastUnits = {
  cpu: 'millicores',
  memory: 'bytes',
  storage: 'bytes',
  bandwidth: 'bits/s',
  load: 'ratio',
} as const satisfies Record<ForecastQuantity, string>;

export const ForecastStatuses = ['forecast', 'insufficient-history'] as const;
export type ForecastStatus = (typeof ForecastStatuses)[number];

/** One hour's observed demand (`at`: start of the hour). */
export class ObservedPointView {
  @IsISO8601()
  at: string;

  @IsNumber()
  value: number;
}

/** One hour's forecast: the mean and its 80 % and 95 % prediction intervals, never below zero. */
export class ForecastPointView {
  @IsISO8601()
  at: string;

  @IsNumber()
  mean: number;

  @IsNumber()
  lower80: number;

  @IsNumber()
  upper80: number;

  @IsNumber()
  lower95: number;

  @IsNumber()
  upper95: number;
}

/** The latest forecast of one quantity of one subject. */
export class ForecastView {
  @IsIn(ForecastSubjectScopes)
  scope: ForecastSubjectScope;

  /** The site or `service/application`; null for the fleet. */
  @IsNullable()
  @IsString()
  subject: string | null;

  @IsIn(ForecastQuantities)
  resource: ForecastQuantity;

  /** `millicores`, `bytes`, `bits/s` or `ratio`. */
  @IsString()
  unit: string;

  /** `insufficient-history`: too little data to forecast; `reason` says how little, and no number is given. */
  @IsIn(ForecastStatuses)
  status: ForecastStatus;

  @IsISO8601()
  computedAt: string;

  @IsInt()
  @Min(1)
  horizonHours: number;

  /** Hours of history the forecast rests on. */
  @IsInt()
  @Min(0)
  historyHours: number;

  /** Demand in the last complete hour (its average). */
  @IsNullable()
  @IsNumber()
  demand: number | null;

  /** Capacity of the site's or fleet's hosts that are not leaving; null for an application. */
  @IsNullable()
  @IsNumber()
  capacity: number | null;

  /** Mean forecast demand at the horizon. */
  @IsNullable()
  @IsNumber()
  forecastDemand: number | null;

  /** When the upper bound of the 80 % interval reaches capacity, within the horizon; else null. */
  @IsNullable()
  @IsISO8601()
  runsOutAt: string | null;

  /** The run-out time is within FEDERA_FORECAST_WARN_DAYS. */
  @IsBoolean()
  warning: boolean;

  @IsNullable()
  @IsString()
  reason: string | null;

  /** With `series=true`: the last days of observed demand. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ObservedPointView)
  history?: ObservedPointView[];

  /** With `series=true`: the hourly forecast up to the horizon. */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ForecastPointView)
  points?: ForecastPointView[];
}

/** `GET /v1/forecasts`: the latest forecasts, those that run out first first. */
export class ForecastReport {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ForecastView)
  items: ForecastView[];

  /** FEDERA_FORECAST_WARN_DAYS of the statistics service. */
  @IsNumber()
  @Min(0)
  warnDays: number;
}
