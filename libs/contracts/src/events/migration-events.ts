import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Min } from 'class-validator';
import { MigrationPhases, type MigrationPhase } from '../names/migration-state';
import { IsEntityId, IsHostId, IsInstanceId, IsResourceName } from './values/identifiers';

/** Every migration event names the migration and its instance; streams are `migration-<id>`. */
export class MigrationEventData {
  @IsEntityId()
  migration: string;

  @IsInstanceId()
  instance: string;
}

export const MigrationReasons = ['requested', 'drain', 'rebalance', 'host-retire'] as const;
export type MigrationReason = (typeof MigrationReasons)[number];

export class MigrationStartedData extends MigrationEventData {
  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  @IsHostId()
  from: string;

  @IsHostId()
  to: string;

  /** true: the layer moves the running instance (QEMU); false: stop → copy → start. */
  @IsBoolean()
  live: boolean;

  @IsIn(MigrationReasons)
  reason: MigrationReason;

  @IsOptional()
  @IsInt()
  @Min(0)
  dataBytes?: number;
}

export class MigrationPhaseCompletedData extends MigrationEventData {
  @IsIn(MigrationPhases)
  phase: MigrationPhase;

  @IsISO8601()
  startedAt: string;

  @IsISO8601()
  endedAt: string;

  /** Bytes moved during the phase (copy, transfer). */
  @IsOptional()
  @IsInt()
  @Min(0)
  bytes?: number;
}

export class MigrationCompletedData extends MigrationEventData {
  @IsHostId()
  from: string;

  @IsHostId()
  to: string;

  /** How long the application did not answer. */
  @IsInt()
  @Min(0)
  downtimeMs: number;
}

export class MigrationFailedData extends MigrationEventData {
  @IsIn(MigrationPhases)
  phase: MigrationPhase;

  @IsString()
  reason: string;
}

export class MigrationRolledBackData extends MigrationEventData {
  /** Where the instance runs again. */
  @IsHostId()
  host: string;

  @IsString()
  reason: string;
}
