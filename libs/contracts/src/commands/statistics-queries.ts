import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { ForecastScopes, type ForecastScope } from '../events/statistics-events';

export const CostGroupings = ['service', 'app', 'host'] as const;
export type CostGrouping = (typeof CostGroupings)[number];

/** `GET /v1/costs?by=service|app|host&from=&to=`. */
export class GetCostsQuery {
  /** @default 'service' */
  @IsOptional()
  @IsIn(CostGroupings)
  by?: CostGrouping;

  @IsOptional()
  @IsISO8601()
  from?: string;

  @IsOptional()
  @IsISO8601()
  to?: string;
}

/** `GET /v1/forecasts`. */
export class GetForecastsQuery {
  @IsOptional()
  @IsIn(ForecastScopes)
  scope?: ForecastScope;
}
