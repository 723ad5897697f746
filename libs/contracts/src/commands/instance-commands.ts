import { IsDefined, IsIn, IsInt, IsObject, IsOptional, Min } from 'class-validator';
import { IsEntityId, IsHostId, IsInstanceId, IsResourceName } from '../events/values/identifiers';
import { InstanceStates, type InstanceState } from '../names/instance-state';
import {
  MigrationModes,
  MigrationStates,
  type MigrationMode,
  type MigrationState,
} from '../names/migration-state';
import { ListQuery } from './list-query';

/**
 * Relocate an instance (`POST /v1/instances/{id}/migrate`); placement picks the host unless `to`, and
 * the mode is live where both ends can and cold otherwise unless `mode`.
 */
export class MigrateInstanceCommand {
  @IsInstanceId()
  instance: string;

  @IsOptional()
  @IsHostId()
  to?: string;

  @IsOptional()
  @IsIn(MigrationModes)
  mode?: MigrationMode;
}

export class GetInstanceQuery {
  @IsInstanceId()
  instance: string;
}

/** `GET /v1/instances?service=&app=&host=`. */
export class ListInstancesQuery extends ListQuery {
  @IsOptional()
  @IsResourceName()
  service?: string;

  @IsOptional()
  @IsResourceName()
  app?: string;

  @IsOptional()
  @IsHostId()
  host?: string;

  @IsOptional()
  @IsIn(InstanceStates)
  state?: InstanceState;
}

export class GetMigrationQuery {
  @IsEntityId()
  migration: string;
}

export class ListMigrationsQuery extends ListQuery {
  @IsOptional()
  @IsInstanceId()
  instance?: string;

  @IsOptional()
  @IsIn(MigrationStates)
  state?: MigrationState;
}

/** `GET /v1/placements/{instanceId}`: why the instance is where it is. */
export class ExplainPlacementQuery {
  @IsInstanceId()
  instance: string;
}

/**
 * Internal (migration → placement): where the instance would move from the host it runs on, by the
 * placement rules; with `to`, whether that host may take it (409 naming the failing filter if not).
 */
export class MigrationTargetQuery {
  @IsInstanceId()
  instance: string;

  @IsOptional()
  @IsHostId()
  to?: string;

  /**
   * The log position the caller has read: placement answers only once its own view has read as far
   * (the room earlier moves hold on their targets included), else 503 `unavailable`, to be retried.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  after?: number;
}

/** Placement's answer to MigrationTargetQuery. */
export interface MigrationTargetAnswer {
  instance: string;
  service: string;
  app: string;
  layer: string;
  /** Where it runs now. */
  from: string;
  /** Where it would go (the best feasible host, or `to`). */
  to: string;
  /** The application declares `data`. */
  stateful: boolean;
  /** Both hosts offer a layer that can move it running (qemu). */
  liveCapable: boolean;
}

/** `POST /v1/placements/plan`: where a service spec's instances would go now; changes nothing. */
export class PlanPlacementQuery {
  @IsDefined()
  @IsObject()
  spec: Record<string, unknown>;
}
