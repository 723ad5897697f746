import { Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';
import { HOST_KEY_FINGERPRINT_PATTERN, HOST_KEY_FINGERPRINT_RULE } from '../agent/host-key';
import { LayerKinds, type LayerKind } from '../names/layer-kind';
import { HostCostRates } from './values/host-cost-rates';
import { HostFeatureFlags } from './values/host-feature-flags';
import { IsHostId } from './values/identifiers';
import { ResourceAmounts } from './values/resource-amounts';

/** Why a host was declared down (HostDown `cause`). */
export const HostDownCauses = ['dead', 'partitioned'] as const;
export type HostDownCause = (typeof HostDownCauses)[number];

/** The evidence behind a HostDown: the last heartbeat and the host's lease as read. */
export class HostLeaseReading {
  @IsISO8601()
  renewedAt: string;

  @IsInt()
  @Min(1)
  epoch: number;
}

/** What inventory checked before declaring the host down: its last heartbeat and its lease. */
export class HostDownEvidence {
  @IsOptional()
  @IsISO8601()
  lastHeartbeatAt?: string;

  @IsISO8601()
  checkedAt: string;

  /** Absent when the host had no lease to read. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HostLeaseReading)
  lease?: HostLeaseReading;

  /** A lease renewed within this many milliseconds counts as alive. */
  @IsInt()
  @Min(0)
  leaseTtlMs: number;
}

/** Every host event names its host; streams are `host-<id>`. */
export class HostEventData {
  @IsHostId()
  host: string;
}

/** An agent registered (first time or after a restart); `epoch` is the fencing epoch it was handed. */
export class HostRegisteredData extends HostEventData {
  @IsString()
  @IsNotEmpty()
  site: string;

  @IsInt()
  @Min(0)
  securityLevel: number;

  @IsArray()
  @ArrayUnique()
  @IsIn(LayerKinds, { each: true })
  layers: LayerKind[];

  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  capacity: ResourceAmounts;

  @IsObject()
  @ValidateNested()
  @Type(() => HostCostRates)
  costs: HostCostRates;

  @IsObject()
  @ValidateNested()
  @Type(() => HostFeatureFlags)
  features: HostFeatureFlags;

  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;

  @IsInt()
  @Min(1)
  epoch: number;

  /** The agent run that registered (AgentRegistration.agentRunId): a retried request changes nothing. */
  @IsOptional()
  @IsString()
  agentRunId?: string;

  /**
   * The fingerprint of the host key the agent registered with (docs/adr/host-key.md): only an agent
   * holding that key may register the host while it is live. Absent: registered without a key.
   */
  @IsOptional()
  @Matches(HOST_KEY_FINGERPRINT_PATTERN, { message: HOST_KEY_FINGERPRINT_RULE })
  hostKey?: string;

  /** Where the agent answers, for operators; the bus is the only channel the control plane uses. */
  @IsOptional()
  @IsString()
  address?: string;
}

/** The agent re-registered with a different capacity; placement uses the new one from now on. */
export class HostCapacityChangedData extends HostEventData {
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  capacity: ResourceAmounts;
}

/** Heartbeats stopped arriving for longer than the suspect threshold. */
export class HostSuspectedData extends HostEventData {
  @IsOptional()
  @IsISO8601()
  lastHeartbeatAt?: string;

  @IsInt()
  @Min(0)
  silentForMs: number;
}

/** The host is `down`: silent past the down threshold; `cause` tells a dead host from a cut-off one. */
export class HostDownData extends HostEventData {
  @IsOptional()
  @IsISO8601()
  lastHeartbeatAt?: string;

  @IsString()
  @IsNotEmpty()
  reason: string;

  /** Instances that were on the host, for supervision to replace. */
  @IsArray()
  @IsString({ each: true })
  instances: string[];

  /** What the second signal (the host's lease) told: the host died, or lives behind a partition. */
  @IsOptional()
  @IsIn(HostDownCauses)
  cause?: HostDownCause;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => HostDownEvidence)
  evidence?: HostDownEvidence;
}

/** The host is `ready` again: heartbeats came back, or its agent registered again (new epoch). */
export class HostRecoveredData extends HostEventData {
  @IsInt()
  @Min(1)
  epoch: number;

  /** With reason `re-registered`: the new agent run (AgentRegistration.agentRunId). */
  @IsOptional()
  @IsString()
  agentRunId?: string;

  /** `re-registered`: the agent restarted (new epoch); `heartbeat`: heartbeats came back. */
  @IsOptional()
  @IsIn(['re-registered', 'heartbeat'])
  reason?: 're-registered' | 'heartbeat';

  /** The liveness the host recovered from: ready, suspect or down. */
  @IsOptional()
  @IsIn(['ready', 'suspect', 'down'])
  from?: 'ready' | 'suspect' | 'down';

  @IsOptional()
  @IsISO8601()
  lastHeartbeatAt?: string;
}

/** No new instances are placed on the host; what runs there stays. */
export class HostCordonedData extends HostEventData {
  @IsOptional()
  @IsString()
  reason?: string;
}

/**
 * The host takes new instances again. On a draining (in progress or timed out) or drained host it
 * also ends the drain (`drainEnded: true`): the host returns to service, and the drain starts no
 * more moves (moves already started finish).
 */
export class HostUncordonedData extends HostEventData {
  @IsOptional()
  @IsIn([true])
  drainEnded?: true;
}

/** The host is `draining`: no new placements, and its instances are to move away. */
export class HostDrainStartedData extends HostEventData {
  /** Instances to move away. */
  @IsArray()
  @IsString({ each: true })
  instances: string[];

  @IsOptional()
  @IsString()
  reason?: string;

  /** The drain ends with HostDrainTimedOut if the host is not empty by then; absent: no deadline. */
  @IsOptional()
  @IsISO8601()
  deadlineAt?: string;

  /**
   * A replacement (`POST /v1/hosts/{id}/replace`): every instance moves to this host, with its data,
   * and the drained host is retired.
   */
  @IsOptional()
  @IsHostId()
  replaceWith?: string;
}

/** One instance a drain cannot move now, and why. */
export class DrainBlockedInstance {
  @IsString()
  @IsNotEmpty()
  instance: string;

  @IsString()
  service: string;

  @IsString()
  app: string;

  /** `not relocatable`, `no feasible host: <filter>`, `disruption budget: ...`, a failed move's reason. */
  @IsString()
  @IsNotEmpty()
  reason: string;
}

/**
 * The drain cannot finish by itself: what cannot move now is listed with the reason (the whole list
 * as it stands; appended again only when it changes). The drain waits for the operator.
 */
export class HostDrainBlockedData extends HostEventData {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DrainBlockedInstance)
  blocked: DrainBlockedInstance[];
}

/** The drain's deadline passed with instances still on the host; they stay where they run. */
export class HostDrainTimedOutData extends HostEventData {
  @IsArray()
  @IsString({ each: true })
  evacuated: string[];

  /** What stayed, each with why it had not moved. */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DrainBlockedInstance)
  remaining: DrainBlockedInstance[];
}

/**
 * The drain is over: nothing runs on the host any more and nothing moves off it (what cannot move
 * keeps the drain going, listed by HostDrainBlocked, until it leaves or the deadline passes).
 */
export class HostDrainedData extends HostEventData {
  @IsArray()
  @IsString({ each: true })
  evacuated: string[];

  /**
   * Instances of applications with `relocatable: false` the drain began with that left the host
   * other than by its moves (stopped or deleted by the operator).
   */
  @IsArray()
  @IsString({ each: true })
  notRelocatable: string[];
}

/** The host left the fleet for good; it can never register again. */
export class HostRetiredData extends HostEventData {
  /** true: retired although instances were still on it. */
  @IsBoolean()
  forced: boolean;
}

/**
 * Internal (no public name): inventory held back marking a host down because too many hosts went
 * silent at once — more likely a partition of the control plane than a mass failure.
 */
export class HostDownRateLimitedData extends HostEventData {
  @IsInt()
  @Min(0)
  silentHosts: number;

  @IsInt()
  @Min(0)
  limit: number;

  /** The site whose down budget (hosts declared down per minute) is spent. */
  @IsOptional()
  @IsString()
  site?: string;

  /** When the budget lets this host be declared down, if it is still silent then. */
  @IsOptional()
  @IsISO8601()
  retryAt?: string;
}
