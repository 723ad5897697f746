import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsOptional,
  isIP,
  IsString,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsHostId, IsInstanceId } from '../events/values/identifiers';

/** A DNS host name (RFC 1123 labels of letters, digits and inner hyphens), at most 253 characters. */
const hostName =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Whether `value` is an address a dependent can connect to: an IPv4 or IPv6 address or a host name.
 * Nothing else: endpoints end up in workloads' environments and in a VM's env file, where any other
 * character (a space, a quote, `$`, a newline) could be read as something else.
 */
export function isEndpointAddress(value: unknown): value is string {
  return typeof value === 'string' && (isIP(value) || hostName.test(value));
}

/** Validates an endpoint address (see isEndpointAddress); the error's path names the field. */
export function IsEndpointAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEndpointAddress',
      validator: {
        validate: (value: unknown) => isEndpointAddress(value),
        defaultMessage: () => 'must be an IP address or a host name',
      },
    },
    options,
  );
}

/**
 * Where one instance answers: the address and port its dependents connect to. For a VM whose
 * guest address the layer can tell, `guestAddress` holds it (the guest's own view of itself);
 * `address:port` is always what other hosts reach.
 */
export class InstanceEndpoint {
  @IsString()
  @IsEndpointAddress()
  address: string;

  @IsInt()
  @Min(1)
  @Max(65535)
  port: number;

  @IsOptional()
  @IsString()
  @IsEndpointAddress()
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

/**
 * `address:port`, an IPv6 address in brackets (`[fd00::5]:8081`), so that the port stays the part
 * after the last colon for every reader.
 */
export function endpointText(endpoint: Pick<InstanceEndpoint, 'address' | 'port'>): string {
  const address = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `${address}:${endpoint.port}`;
}

/** The variable's value: a comma-separated `address:port` list (empty when none serves). */
export function endpointsVariableValue(instances: readonly InstanceEndpoint[]): string {
  return instances.map(endpointText).join(',');
}
