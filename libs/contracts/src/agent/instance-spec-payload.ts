import { INSTANCE_ID_RULE } from '../events/values/identifiers';
import { ResourceAmounts } from '../events/values/resource-amounts';
import { ServiceEndpoints } from '../discovery/service-endpoints';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { INSTANCE_ID_PATTERN, LayerKinds, type LayerKindName } from './layer-kind';

/** Object names in the data bucket: the same alphabet as NATS tokens plus `/`, `.` and `_`. */
export const DATA_KEY_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_./-]{0,200}$/;

/** Resources granted to an instance, in base units. */
export class InstanceResources extends ResourceAmounts {}

export class HttpHealthCheck {
  @IsString()
  @Matches(/^\//, { message: 'must start with /' })
  path: string;
}

/** How the agent probes an instance: HTTP GET on its port, or a TCP connect. */
export class InstanceHealth {
  @IsOptional()
  @ValidateNested()
  @Type(() => HttpHealthCheck)
  http?: HttpHealthCheck;

  @IsOptional()
  @IsObject()
  tcp?: Record<string, never>;

  @IsInt()
  @Min(100)
  intervalMs: number;

  @IsInt()
  @Min(1)
  failureThreshold: number;
}

/**
 * What the control plane asks an agent to run: one instance of an application on one layer.
 * The agent chooses the instance's data directory itself (under its dataDir).
 */
export class InstanceSpecPayload {
  @IsString()
  @Matches(INSTANCE_ID_PATTERN, { message: INSTANCE_ID_RULE })
  instance: string;

  @IsString()
  @MinLength(1)
  service: string;

  @IsString()
  @MinLength(1)
  app: string;

  @IsIn(LayerKinds as unknown as string[], { message: `must be one of ${LayerKinds.join(', ')}` })
  layer: LayerKindName;

  /** Layer-specific: process `{ command: [...], cwd? }`, qemu `{ image?, memoryMiB? }`, libvirt `{ xml? }`. */
  @IsObject()
  artifact: Record<string, unknown>;

  @IsDefined()
  @ValidateNested()
  @Type(() => InstanceResources)
  resources: InstanceResources;

  @IsOptional()
  @ValidateNested()
  @Type(() => InstanceHealth)
  health?: InstanceHealth;

  @IsOptional()
  @IsObject()
  env?: Record<string, string>;

  /**
   * The service's endpoints when supervision sent the start: the agent gives the workload
   * FEDERA_ENDPOINTS_<APP> for every application of the service from it.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => ServiceEndpoints)
  endpoints?: ServiceEndpoints;

  /**
   * The placement generation this start belongs to (InstancePlaced `generation`): the agent
   * remembers the highest it took per instance and refuses an older one with `stale_generation`.
   * Absent: a sender that predates generations; never refused for it.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  generation?: number;

  /** The application's `data.backupEveryMs`: the agent copies the data to the bucket this often. */
  @IsOptional()
  @IsInt()
  @Min(1000)
  backupEveryMs?: number;

  /**
   * A copy in the data bucket to fill the instance's data with before its first start (the newest
   * backup of the instance it replaces). The agent imports it, then starts.
   */
  @IsOptional()
  @IsString()
  @Matches(DATA_KEY_PATTERN, { message: 'must be an object name (letters, digits, _./-)' })
  restoreFrom?: string;
}
