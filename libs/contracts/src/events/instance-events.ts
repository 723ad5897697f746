import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { InstanceEndpoint } from '../discovery/service-endpoints';
import { LayerKinds, type LayerKind } from '../names/layer-kind';
import { IsEntityId, IsHostId, IsInstanceId } from './values/identifiers';
import { InstanceEventData, PlacedInstanceEventData } from './values/instance-event-data';
import { ResourceAmounts } from './values/resource-amounts';

export const InstanceRequestReasons = ['deploy', 'scale-out', 'replace', 'update'] as const;
export type InstanceRequestReason = (typeof InstanceRequestReasons)[number];

/** Supervision wants one more instance; placement answers with InstancePlaced or PlacementFailed. */
export class InstanceRequestedData extends InstanceEventData {
  @IsIn(LayerKinds)
  layer: LayerKind;

  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  resources: ResourceAmounts;

  @IsInt()
  @Min(1)
  revision: number;

  @IsIn(InstanceRequestReasons)
  reason: InstanceRequestReason;

  /** The instance this one replaces, when reason is `replace`. */
  @IsOptional()
  @IsInstanceId()
  replaces?: string;

  /** The data bucket's copy it starts from (the newest backup of the instance it replaces). */
  @IsOptional()
  @IsString()
  restoreFrom?: string;

  /** How old that copy was when the replacement was decided, in ms. */
  @IsOptional()
  @IsInt()
  @Min(0)
  dataAgeMs?: number;

  /** Its application has `data` and no copy of the instance it replaces exists: it starts empty. */
  @IsOptional()
  @IsBoolean()
  dataLost?: boolean;
}

/** Scores of the chosen host: the total and each scorer's part (`cost`, `emphasis`, `spread`, …). */
export class PlacementScores {
  @IsNumber({ allowNaN: false, allowInfinity: false })
  total: number;

  @IsObject()
  byScorer: Record<string, number>;
}

/** Placement chose the host and reserved the instance's resources there; the fields say why. */
export class InstancePlacedData extends PlacedInstanceEventData {
  @IsIn(LayerKinds)
  layer: LayerKind;

  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAmounts)
  resources: ResourceAmounts;

  @IsObject()
  @ValidateNested()
  @Type(() => PlacementScores)
  scores: PlacementScores;

  @IsInt()
  @Min(0)
  hostsConsidered: number;

  /** The host's fencing epoch when placed; the agent refuses commands of an older one. */
  @IsInt()
  @Min(1)
  hostEpoch: number;

  /**
   * Which placement of the instance this is: 1 for its first, one more after each placement or
   * migration of the same instance. The start carries it and agents refuse an older one. Absent in
   * events written before generations: read as 1.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  generation?: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  costPerHour: number;

  /** As its InstanceRequested: the age of the copy it starts from, in ms. */
  @IsOptional()
  @IsInt()
  @Min(0)
  dataAgeMs?: number;

  /** As its InstanceRequested: it starts empty, the data of the instance it replaces lost. */
  @IsOptional()
  @IsBoolean()
  dataLost?: boolean;

  /** Hosts rejected among those considered, by filter (the "why not elsewhere" of an explanation). */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FilterRejection)
  rejected?: FilterRejection[];

  /** The scored candidates, best first (the chosen host is the first). */
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => PlacementCandidate)
  candidates?: PlacementCandidate[];
}

/** One host placement scored: its total, cost per hour for the application, and each scorer's part. */
export class PlacementCandidate {
  @IsHostId()
  host: string;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  total: number;

  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  costPerHour: number;

  @IsObject()
  byScorer: Record<string, number>;
}

/** How many hosts one filter rejected, and why (`layer`, `capacity:memory`, `security-level`, …). */
export class FilterRejection {
  @IsString()
  filter: string;

  @IsInt()
  @Min(1)
  hosts: number;

  @IsOptional()
  @IsString()
  detail?: string;
}

/** No host can take the instance; `reasons` says how many hosts each filter rejected. */
export class PlacementFailedData extends InstanceEventData {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => FilterRejection)
  reasons: FilterRejection[];

  @IsInt()
  @Min(0)
  hostsConsidered: number;

  @IsString()
  message: string;
}

/** The host's agent is starting the instance on its layer. */
export class InstanceStartingData extends PlacedInstanceEventData {
  @IsIn(LayerKinds)
  layer: LayerKind;
}

/**
 * The layer runs the instance; health checks decide when it is healthy. v2: `endpoint` is structured
 * (v1 held `host:port` text, upcast by instanceRunningV1ToV2).
 */
export class InstanceRunningData extends PlacedInstanceEventData {
  /** Where the instance answers, when its layer exposes a port (what discovery publishes). */
  @IsOptional()
  @ValidateNested()
  @Type(() => InstanceEndpoint)
  endpoint?: InstanceEndpoint;

  /** The layer's own handle: a pid, a QEMU socket, a libvirt domain. */
  @IsOptional()
  @IsString()
  handle?: string;
}

/** The instance passes its health check. */
export class InstanceHealthyData extends PlacedInstanceEventData {}

/** The instance failed its health check `failureThreshold` times in a row. */
export class InstanceUnhealthyData extends PlacedInstanceEventData {
  @IsString()
  reason: string;

  @IsInt()
  @Min(1)
  consecutiveFailures: number;
}

export const InstanceStopReasons = [
  'requested',
  'scale-in',
  'service-stopped',
  'migrated',
  'host-down',
  'exited',
  'replaced',
  /** Supervision stopped it for staying unhealthy past its grace period (to replace it). */
  'unhealthy',
] as const;
export type InstanceStopReason = (typeof InstanceStopReasons)[number];

/** Extension (states list `stopping`): a stop was asked of the agent. */
export class InstanceStopRequestedData extends InstanceEventData {
  @IsIn(InstanceStopReasons)
  reason: InstanceStopReason;
}

/** The instance no longer runs; `reason` says why. */
export class InstanceStoppedData extends InstanceEventData {
  @IsIn(InstanceStopReasons)
  reason: InstanceStopReason;

  @IsOptional()
  @IsInt()
  exitCode?: number;
}

/**
 * Why an instance failed, when its host is to blame and not its application: `host-down` (the host
 * died), `host-partitioned` (cut off past the partition grace). Absent when the application failed,
 * and in events written before causes were recorded.
 */
export const InstanceFailureCauses = ['host-down', 'host-partitioned'] as const;
export type InstanceFailureCause = (typeof InstanceFailureCauses)[number];

/** The instance cannot run: it would not start, or it died (`reason`, `exitCode`). */
export class InstanceFailedData extends InstanceEventData {
  @IsString()
  reason: string;

  /** Set when the failure is its host's (readers count it against the host, not the application). */
  @IsOptional()
  @IsIn(InstanceFailureCauses)
  cause?: InstanceFailureCause;

  @IsOptional()
  @IsInt()
  exitCode?: number;

  /** Restarts already tried by supervision for this instance. */
  @IsInt()
  @Min(0)
  restarts: number;
}

/**
 * Extension (states list `lost`): the instance's host stopped answering and the instance is neither
 * replaced nor known dead; a report from its agent brings it back.
 */
export class InstanceLostData extends PlacedInstanceEventData {
  @IsString()
  reason: string;
}

/** Extension (states list `migrating`): the instance is being moved by a migration. */
export class InstanceMigratingData extends PlacedInstanceEventData {
  @IsEntityId()
  migration: string;

  @IsHostId()
  to: string;

  /**
   * Its source keeps serving until the target answers (a move without data, started on the target
   * before the source stops, or a live one): a healthy instance still counts as serving while it
   * moves. Absent: it stops for the move (cold, with data), or a writer that did not say.
   */
  @IsOptional()
  @IsBoolean()
  servesWhileMoving?: boolean;
}

/** Extension: the migration finished; `host` is the new host, `from` the old one. */
export class InstanceRelocatedData extends PlacedInstanceEventData {
  @IsEntityId()
  migration: string;

  @IsHostId()
  from: string;

  /** The migration saw it answer healthy on `host` before recording the move. */
  @IsOptional()
  @IsBoolean()
  verified?: boolean;
}

/**
 * Extension: the migration was rolled back and the instance runs on its source, `host`, again (streams
 * written before this event record a rollback as an InstanceRelocated whose `host` is its `from`).
 */
export class InstanceMigrationAbortedData extends PlacedInstanceEventData {
  @IsEntityId()
  migration: string;

  /** Why the move was given up (the failed phase and its reason). */
  @IsString()
  reason: string;
}
