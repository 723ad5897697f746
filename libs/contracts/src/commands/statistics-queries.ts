import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { IsHostId, IsResourceName } from '../events/values/identifiers';
import {
  ForecastQuantities,
  ForecastSubjectScopes,
  type ForecastQuantity,
  type ForecastSubjectScope,
} from '../api/forecast-report';

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
  @IsResourceName()
  service?: string;
}

/** `GET /v1/forecasts?scope=&subject=&resource=&series=`. */
export class GetForecastsQuery {
  @IsOptional()
  @IsIn(ForecastSubjectScopes)
  scope?: ForecastSubjectScope;

  /** A site, or `service/application`. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}(\/[a-z0-9][a-z0-9-]{0,62})?$/, {
    message: 'subject must be a site or service/application of lower-case letters, digits or "-"',
  })
  subject?: string;

  @IsOptional()
  @IsIn(ForecastQuantities)
  resource?: ForecastQuantity;

  /** `true`: each forecast with its hourly points and recent history. @default false */
  @IsOptional()
  @IsIn(['true', 'false'])
  series?: 'true' | 'false';
}

/** `GET /v1/usage?service=&app=&host=&from=&to=`: usage per instance and host over a window. */
export class GetUsageQuery {
  @IsOptional()
  @IsResourceName()
  service?: string;

  @IsOptional()
  @IsResourceName()
  app?: string;

  @IsOptional()
  @IsHostId()
  host?: string;

  /**
   * Start of the window (inclusive): before `to`, not in the future, at most the days minutes are
   * kept before `to` (checked by statistics, which knows that retention). @default 1 hour before `to`
   */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** End of the window (exclusive). @default now */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}
