import { Type } from 'class-transformer';
import {
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class HttpProbeSpec {
  @IsString()
  @Matches(/^\//, { message: 'must start with /' })
  path: string;

  /** @default the port the layer gave the instance */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
}

export class TcpProbeSpec {
  /** @default the port the layer gave the instance */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
}

/** How supervision decides an instance is healthy: an HTTP or TCP probe (not both), every intervalMs. */
export class HealthSpec {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HttpProbeSpec)
  http?: HttpProbeSpec;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TcpProbeSpec)
  tcp?: TcpProbeSpec;

  /** @default 1000 */
  @IsOptional()
  @IsInt()
  @Min(100)
  intervalMs?: number;

  /** Consecutive failed probes before the instance is unhealthy. @default 3 */
  @IsOptional()
  @IsInt()
  @Min(1)
  failureThreshold?: number;
}
