import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsHostId, IsInstanceId } from '../events/values/identifiers';

/**
 * Where one instance answers: the address and port its dependents connect to. For a VM whose
 * guest address the layer can tell, `guestAddress` holds it (the guest's own view of itself);
 * `address:port` is always what other hosts reach.
 */
export class InstanceEndpoint {
  @IsString()
  @MinLength(1)
  address: string;

  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  guestAddress?: string;
}

/** One serving instance of an application, as discovery publishes it. */
export class DiscoveredInstance extends InstanceEndpoint {
  @IsInstanceId()
  instance: string;

  @IsHostId()
  host: string;
}

/** Every serving instance of one application of the service. */
export class ApplicationEndpoints {
  @IsString()
  @Matches(/^[a-z0-9-]{1,63}$/, { message: 'must be an application name' })
  name: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DiscoveredInstance)
  instances: DiscoveredInstance[];
}

/**
 * The endpoints of every application of one service: the value of the service's key in the
 * discovery bucket (Subjects.discoveryBucket), written by supervision, read by every agent, served to
 * workloads at FEDERA_DISCOVERY_URL. `version` grows with every change of the set (the log position
 * it reflects), so a reader keeps the newest and ignores an older value delivered late.
 */
export class ServiceEndpoints {
  @IsString()
  @Matches(/^[a-z0-9-]{1,63}$/, { message: 'must be a service name' })
  service: string;

  @IsInt()
  @Min(0)
  version: number;

  /** When supervision wrote it, ms since the Unix epoch. */
  @IsInt()
  @Min(0)
  updatedAt: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ApplicationEndpoints)
  applications: ApplicationEndpoints[];
}

/** `FEDERA_ENDPOINTS_<APP>`: the application's name upper-cased, `-` as `_`. */
export function endpointsVariableName(app: string): string {
  return `FEDERA_ENDPOINTS_${app.toUpperCase().replace(/-/g, '_')}`;
}

/** The variable's value: a comma-separated `address:port` list (empty when none serves). */
export function endpointsVariableValue(instances: readonly InstanceEndpoint[]): string {
  return instances.map((i) => `${i.address}:${i.port}`).join(',');
}
