import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { DrainBlockedInstance, HostDownCauses, type HostDownCause } from '../events/host-events';
import { HostCostRates } from '../events/values/host-cost-rates';
import { HostFeatureFlags } from '../events/values/host-feature-flags';
import { IsHostId } from '../events/values/identifiers';
import { ResourceAmounts } from '../events/values/resource-amounts';
import { HostStates, type HostState } from '../names/host-state';
import { LayerKinds, type LayerKind } from '../names/layer-kind';
import { IsNullable } from './is-nullable';

/** Where a host's drain stands. */
export class HostDrainView {
  /** `cancelled`: the host was uncordoned before or after the drain ended, and is back in service. */
  @IsIn(['draining', 'drained', 'timed-out', 'cancelled'])
  state: 'draining' | 'drained' | 'timed-out' | 'cancelled';

  @IsISO8601()
  startedAt: string;

  @IsNullable()
  @IsISO8601()
  deadlineAt: string | null;

  /** The host everything moves to, for a replacement. */
  @IsNullable()
  @IsHostId()
  replaceWith: string | null;

  /** Instances still to move when the drain was last recorded. */
  @IsArray()
  @IsString({ each: true })
  remaining: string[];

  /** What cannot move now, each with its reason (HostDrainBlocked; empty once nothing blocks). */
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DrainBlockedInstance)
  blocked: DrainBlockedInstance[];
}

/** A host as `GET /v1/hosts/{id}` and the host actions answer it (inventory's view). */
export class HostView {
  @IsHostId()
  id: string;

  @IsString()
  site: string;

  @IsIn(HostStates)
  state: HostState;

  /** No new placements while true; independent of the state. */
  @IsBoolean()
  cordoned: boolean;

  @IsArray()
  @IsIn(LayerKinds, { each: true })
  layers: LayerKind[];

  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  capacity: ResourceAmounts;

  /** The sum of the resources of the instances placed on the host. */
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  allocated: ResourceAmounts;

  @IsInt()
  @Min(0)
  securityLevel: number;

  @IsObject()
  @ValidateNested()
  @Type(() => HostCostRates)
  costs: HostCostRates;

  @IsObject()
  @ValidateNested()
  @Type(() => HostFeatureFlags)
  features: HostFeatureFlags;

  @IsObject()
  labels: Record<string, string>;

  /** null until the first heartbeat. */
  @IsNullable()
  @IsISO8601()
  lastHeartbeatAt: string | null;

  /** The agent run's fencing number: +1 at each registration. */
  @IsInt()
  @Min(0)
  epoch: number;

  /** How many instances are placed on the host. */
  @IsInt()
  @Min(0)
  instances: number;

  /** null unless the host is down. */
  @IsNullable()
  @IsIn(HostDownCauses)
  downCause: HostDownCause | null;

  /** Set while the site's down budget holds back declaring this silent host down. */
  @IsNullable()
  @IsISO8601()
  downDeferredUntil: string | null;

  /** The latest drain of the host (draining, drained, or timed out); null if it was never drained. */
  @IsNullable()
  @ValidateNested()
  @Type(() => HostDrainView)
  drain: HostDrainView | null;
}
