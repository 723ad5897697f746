import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { RESOURCE_NAME, RESOURCE_NAME_RULE } from '../names/resource-name';

export class ServiceProbeHttpSpec {
  @IsString()
  @Matches(/^\//, { message: 'must start with /' })
  path: string;
}

/**
 * An end-to-end check of the whole service (front end → database → payment): supervision has the
 * agent of one serving instance of `application` GET `http.path` on it. With one declared, the
 * service is available only while it passes (docs/adr/service-probe.md).
 */
export class ServiceProbeSpec {
  /** An application of this service whose instances listen (not on the `sim` layer). */
  @IsString()
  @Matches(RESOURCE_NAME, { message: RESOURCE_NAME_RULE })
  application: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ServiceProbeHttpSpec)
  http: ServiceProbeHttpSpec;

  /** @default 5000 */
  @IsOptional()
  @IsInt()
  @Min(500)
  @Max(3_600_000)
  intervalMs?: number;

  /** How long one GET may take before it counts as failed. @default 2000 */
  @IsOptional()
  @IsInt()
  @Min(100)
  @Max(30_000)
  timeoutMs?: number;

  /** Failed probes in a row before the service is degraded. @default 2 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  failureThreshold?: number;
}
