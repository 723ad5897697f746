import { IsIn, IsISO8601, IsOptional, IsString } from 'class-validator';
import { IsResourceName } from '../events/values/identifiers';

export const ServiceProbeResults = ['passed', 'failed', 'pending'] as const;
export type ServiceProbeResult = (typeof ServiceProbeResults)[number];

/** The service's end-to-end probe as `GET /v1/services/{name}` shows it. */
export class ServiceProbeSummary {
  /** The application whose instance is probed. */
  @IsResourceName()
  application: string;

  @IsString()
  path: string;

  /** `pending`: declared, no result recorded yet (never run, or the service not deployed). */
  @IsIn(ServiceProbeResults)
  lastResult: ServiceProbeResult;

  /** When the probe first gave lastResult (results are recorded on change only). */
  @IsOptional()
  @IsISO8601()
  lastAt?: string;

  /** Why it failed. */
  @IsOptional()
  @IsString()
  reason?: string;
}
