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

/** A migration of the instance from one host to another began. */
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

  /**
   * The application declares `data`: it is stopped, copied and started (its downtime recorded);
   * without data it starts on the target before its source stops. Absent on events written before.
   */
  @IsOptional()
  @IsBoolean()
  stateful?: boolean;
}

/** Extension: a phase began (the progress `federa migrate --wait` shows). */
export class MigrationPhaseStartedData extends MigrationEventData {
  @IsIn(MigrationPhases)
  phase: MigrationPhase;

  @IsISO8601()
  startedAt: string;
}

/** One phase of the migration ended (`choose-target`, `export`, `live-transfer`, …). */
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
  /** How long the instance did not answer during the phase, as its layer measured (live transfer). */
  @IsOptional()
  @IsInt()
  @Min(0)
  downtimeMs?: number;
}

/** The instance runs on its new host. */
export class MigrationCompletedData extends MigrationEventData {
  @IsHostId()
  from: string;

  @IsHostId()
  to: string;

  /** How long the application did not answer. */
  @IsInt()
  @Min(0)
  downtimeMs: number;

  /** Bytes of data copied (export, or the live transfer). */
  @IsOptional()
  @IsInt()
  @Min(0)
  bytesCopied?: number;
}

/**
 * Extension: a phase failed and the migration is undoing what it did, so that the instance runs on
 * its source again; MigrationRolledBack follows, or MigrationFailed when that cannot be done.
 */
export class MigrationRollingBackData extends MigrationEventData {
  @IsIn(MigrationPhases)
  phase: MigrationPhase;

  @IsString()
  reason: string;
}

/** The migration stopped in a phase it could not finish, and the instance is not back on its source. */
export class MigrationFailedData extends MigrationEventData {
  @IsIn(MigrationPhases)
  phase: MigrationPhase;

  @IsString()
  reason: string;
}

/** After a failure, the instance runs where it ran before the migration. */
export class MigrationRolledBackData extends MigrationEventData {
  /** Where the instance runs again. */
  @IsHostId()
  host: string;

  @IsString()
  reason: string;
}
