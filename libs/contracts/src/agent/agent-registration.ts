import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { HostCapacity } from './host-capacity';
import { HostCosts, HostFeatures } from './host-config';
import { HostKeyProof } from './host-key';
import { LayerKinds, type LayerKindName } from './layer-kind';
import { IsHostId, IsInstanceId } from '../events/values/identifiers';

/** An instance the agent already runs when it registers (after its own restart). */
export class RegisteredInstance {
  @IsInstanceId()
  instance: string;

  @IsString()
  service: string;

  @IsString()
  app: string;

  @IsIn(LayerKinds as unknown as string[])
  layer: LayerKindName;

  @IsString()
  state: string;
}

/** Request on `Subjects.agentRegister`: who the host is and what it offers. Answered with AgentRegistered. */
export class AgentRegistration {
  @IsHostId()
  host: string;

  @IsString()
  @MinLength(1)
  site: string;

  @IsInt()
  @Min(0)
  securityLevel: number;

  @IsArray()
  @ArrayNotEmpty()
  @IsIn(LayerKinds as unknown as string[], { each: true })
  layers: LayerKindName[];

  @IsDefined()
  @ValidateNested()
  @Type(() => HostCapacity)
  capacity: HostCapacity;

  @IsDefined()
  @ValidateNested()
  @Type(() => HostCosts)
  costs: HostCosts;

  @IsOptional()
  @ValidateNested()
  @Type(() => HostFeatures)
  features?: HostFeatures;

  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;

  /**
   * Random per registration (an agent start, or a re-registration inventory asked for): tells a new
   * registration from a retried request of the same one.
   */
  @IsString()
  agentRunId: string;

  /**
   * The host key's public half and its signature of this registration (docs/adr/host-key.md).
   * Absent (older agents, simulated hosts): the host is claimed without a key, which only a host
   * that never registered with one allows.
   */
  @IsOptional()
  @ValidateNested()
  @Type(() => HostKeyProof)
  hostKey?: HostKeyProof;

  /** Heartbeat interval the agent uses (FEDERA_HEARTBEAT_MS). */
  @IsInt()
  @Min(1)
  heartbeatMs: number;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RegisteredInstance)
  instances: RegisteredInstance[];
}

/** `result` of the registration reply: the host's fencing epoch, which grows with every registration. */
export class AgentRegistered {
  @IsInt()
  @Min(1)
  epoch: number;
}
