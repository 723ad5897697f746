import { Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { InstanceEndpoint } from '../discovery/service-endpoints';
import { IsHostId, IsInstanceId } from '../events/values/identifiers';

/**
 * Usage of a host or an instance: cpu in millicores in use, memory and storage in bytes, network in
 * bytes per second over the last interval.
 */
export class Usage {
  @IsNumber()
  @Min(0)
  cpuMillis: number;

  @IsNumber()
  @Min(0)
  memoryBytes: number;

  @IsNumber()
  @Min(0)
  storageBytes: number;

  /** Bytes per second received and sent together. */
  @IsNumber()
  @Min(0)
  networkBytes: number;

  /**
   * Bytes per second received and sent, when the layer tells them apart. Agents older than the
   * split send neither: readers then count half of networkBytes each way
   * (docs/reference/agent-protocol.md#usage).
   */
  @IsOptional()
  @IsNumber()
  @Min(0)
  networkInBytes?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  networkOutBytes?: number;
}

/** One instance in a heartbeat: its state and the load its application reports (0..1). */
export class InstanceBeat {
  @IsInstanceId()
  instance: string;

  /** A public instance state: starting, running, healthy, unhealthy, stopping, stopped, migrating, failed. */
  @IsString()
  state: string;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  load?: number;

  /** Where the instance answers, once its layer runs it (kind instance, states running and after). */
  @IsOptional()
  @ValidateNested()
  @Type(() => InstanceEndpoint)
  endpoint?: InstanceEndpoint;

  @IsOptional()
  @ValidateNested()
  @Type(() => Usage)
  usage?: Usage;
}

/**
 * Published on `Subjects.agentHeartbeat(host)` every FEDERA_HEARTBEAT_MS. `sentAt` (ms since the Unix
 * epoch) lets receivers tell a burst of heartbeats buffered during a partition from live ones.
 */
export class AgentHeartbeat {
  @IsHostId()
  host: string;

  @IsInt()
  @Min(1)
  epoch: number;

  /** Grows by one per heartbeat of this agent run; restarts at 1 with a new epoch. */
  @IsInt()
  @Min(1)
  seq: number;

  @IsInt()
  sentAt: number;

  @IsInt()
  @Min(1)
  intervalMs: number;

  @IsDefined()
  @ValidateNested()
  @Type(() => Usage)
  usage: Usage;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => InstanceBeat)
  instances: InstanceBeat[];
}
