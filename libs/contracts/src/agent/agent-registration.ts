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

  /** Random per agent start: tells a re-registration after a restart from a retried request. */
  @IsString()
  agentRunId: string;

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
