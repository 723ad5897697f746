import { Type } from 'class-transformer';
import {
  Allow,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsIP,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsEndpointAddress } from '../discovery/service-endpoints';
import { IsBandwidthQuantity, IsByteQuantity, IsCpuQuantity } from '../quantities';
import { toBandwidthBps } from '../quantities/bandwidth';
import { toBytes } from '../quantities/bytes';
import { toCpuMillis } from '../quantities/cpu';
import { joinPath, validatePayload, type Validated } from '../validation/validate';
import type { FieldError } from '../validation/field-error';
import { HOST_ID_PATTERN, LayerKinds, type LayerKindName } from './layer-kind';
import type { HostCapacity } from './host-capacity';

/** `capacity: { cpu: 8, memory: 32Gi, storage: 500Gi, bandwidth: 10Gbps }` as written in host.yaml. */
export class HostCapacityConfig {
  @IsDefined()
  @IsCpuQuantity()
  cpu: number | string;

  @IsDefined()
  @IsByteQuantity()
  memory: string | number;

  @IsDefined()
  @IsByteQuantity()
  storage: string | number;

  @IsDefined()
  @IsBandwidthQuantity()
  bandwidth: string | number;
}

/** Cost rates of a host (host.yaml `costs`): used by placement's cost scorer and by statistics. */
export class HostCosts {
  @IsNumber()
  @Min(0)
  cpuHour: number;

  @IsNumber()
  @Min(0)
  memoryGiBHour: number;

  @IsNumber()
  @Min(0)
  storageGiBMonth: number;

  @IsNumber()
  @Min(0)
  networkGiB: number;

  /** What the host costs per hour whatever runs on it (rent, power at idle). @default 0 */
  @IsOptional()
  @IsNumber()
  @Min(0)
  standingPerHour?: number;
}

/** Power and storage protections of a host (the patent's UPS and RAID). */
export class HostFeatures {
  @IsOptional()
  @IsBoolean()
  ups?: boolean;

  @IsOptional()
  @IsBoolean()
  raid?: boolean;
}

/** host.yaml `discovery`: where the agent's discovery server listens. */
export class HostDiscoveryConfig {
  /** Default 127.0.0.1: only this host's workloads (and its VMs, through QEMU's 10.0.2.2) read it. */
  @IsOptional()
  @IsString()
  @IsIP(undefined, { message: 'must be an IP address of this host (127.0.0.1, 0.0.0.0, ::)' })
  bind?: string;

  /** Default: a free port chosen at the first start and kept in the data dir. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
}

/**
 * The agent's host.yaml (public keys, docs/AGENT.md), plus the agent's own optional keys:
 * `dataDir` (instance table, logs, instance data; default `/var/lib/federa-agent`),
 * `bandwidth` (link rate used with `capacity: auto`; default 1Gbps), `labels`, `address` (of the
 * host's instance endpoints) and `discovery` (where FEDERA_DISCOVERY_URL is served).
 */
export class HostConfig {
  @IsString()
  @Matches(HOST_ID_PATTERN, {
    message: 'must be lower-case letters, digits and dashes (one NATS subject token)',
  })
  host: string;

  @IsString()
  @MinLength(1)
  site: string;

  @IsInt()
  @Min(0)
  securityLevel: number;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(LayerKinds as unknown as string[], {
    each: true,
    message: `each must be one of ${LayerKinds.join(', ')}`,
  })
  layers: LayerKindName[];

  /** `auto` or a HostCapacityConfig: checked by parseHostConfig, which locates nested errors. */
  @IsDefined()
  @Allow()
  capacity: 'auto' | HostCapacityConfig;

  @ValidateNested()
  @Type(() => HostCosts)
  @IsDefined()
  costs: HostCosts;

  @IsOptional()
  @ValidateNested()
  @Type(() => HostFeatures)
  features?: HostFeatures;

  @IsOptional()
  @IsString()
  @MinLength(1)
  dataDir?: string;

  @IsOptional()
  @IsBandwidthQuantity()
  bandwidth?: string | number;

  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;

  /** The address other hosts reach this host's instances at (their endpoints'); default 127.0.0.1. */
  @IsOptional()
  @IsString()
  @IsEndpointAddress()
  address?: string;

  /** Where the agent serves FEDERA_DISCOVERY_URL. */
  @IsOptional()
  @ValidateNested()
  @Type(() => HostDiscoveryConfig)
  discovery?: HostDiscoveryConfig;
}

/** Bandwidth assumed with `capacity: auto` when the config names none: 1 Gbps. */
export const DEFAULT_AUTO_BANDWIDTH_BPS = 1e9;

/** Validates a parsed host.yaml; every error carries its path (`capacity.memory`, `costs.cpuHour`). */
export function validateHostConfig(plain: unknown): Validated<HostConfig> {
  const result = validatePayload(HostConfig, plain);
  const errors: FieldError[] = result.ok ? [] : [...result.errors];
  const raw = plain as Record<string, unknown> | null;
  const capacity = raw && typeof raw === 'object' ? raw.capacity : undefined;
  if (capacity !== undefined && capacity !== 'auto') {
    if (capacity === null || typeof capacity !== 'object' || Array.isArray(capacity)) {
      errors.push({
        path: 'capacity',
        reason: 'must be "auto" or { cpu, memory, storage, bandwidth }',
      });
    } else {
      const nested = validatePayload(HostCapacityConfig, capacity);
      if (!nested.ok)
        errors.push(
          ...nested.errors.map((e) => ({
            path: e.path.startsWith('[') ? `capacity${e.path}` : `capacity.${e.path}`,
            reason: e.reason,
          })),
        );
      else if (result.ok) result.value.capacity = nested.value;
    }
  }
  const labels = raw && typeof raw === 'object' ? raw.labels : undefined;
  if (labels && typeof labels === 'object' && !Array.isArray(labels)) {
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string')
        errors.push({ path: joinPath('labels', key), reason: 'must be a string' });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return result;
}

/** The configured capacity in base units, for a config whose capacity is not `auto`. */
export function configuredCapacity(capacity: HostCapacityConfig): HostCapacity {
  return {
    cpuMillis: toCpuMillis(capacity.cpu),
    memoryBytes: toBytes(capacity.memory),
    storageBytes: toBytes(capacity.storage),
    bandwidthBps: toBandwidthBps(capacity.bandwidth),
  };
}

/** The link bandwidth assumed with `capacity: auto`: the config's `bandwidth`, else 1Gbps. */
export function autoCapacityBandwidthBps(config: HostConfig): number {
  return config.bandwidth !== undefined
    ? toBandwidthBps(config.bandwidth)
    : DEFAULT_AUTO_BANDWIDTH_BPS;
}
