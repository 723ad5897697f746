import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { IsEntityId } from '../events/values/identifiers';
import { ForecastScopes, type ForecastScope } from '../events/statistics-events';

export const CostGroupings = ['service', 'application', 'host', 'site'] as const;
export type CostGrouping = (typeof CostGroupings)[number];

/** `GET /v1/costs?groupBy=service|application|host|site&from=&to=&service=`. */
export class GetCostsQuery {
  /** @default 'service' */
  @IsOptional()
  @IsIn(CostGroupings)
  groupBy?: CostGrouping;

  /** Start of the window (inclusive). @default 24 hours before `to` */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** End of the window (exclusive). @default now */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  /** Only this service's lines (its applications, for groupBy=application). */
  @IsOptional()
  @IsEntityId()
  service?: string;
}

/** `GET /v1/forecasts`. */
export class GetForecastsQuery {
  @IsOptional()
  @IsIn(ForecastScopes)
  scope?: ForecastScope;
}
