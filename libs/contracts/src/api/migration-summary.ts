import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsEntityId, IsHostId, IsInstanceId, IsResourceName } from '../events/values/identifiers';
import {
  MigrationModes,
  MigrationPhases,
  MigrationStates,
  type MigrationMode,
  type MigrationPhase,
  type MigrationState,
} from '../names/migration-state';
import { IsNullable } from './is-nullable';

/** One phase of a migration with its times; `endedAt` null while it runs. */
export class MigrationPhaseView {
  @IsIn(MigrationPhases)
  name: MigrationPhase;

  @IsISO8601()
  startedAt: string;

  @IsNullable()
  @IsISO8601()
  endedAt: string | null;
}

/** A migration as `GET /v1/migrations/{id}` shows it (and `POST /v1/instances/{id}/migrate` answers). */
export class MigrationSummary {
  @IsEntityId()
  id: string;

  @IsInstanceId()
  instance: string;

  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  @IsHostId()
  from: string;

  @IsHostId()
  to: string;

  @IsIn(MigrationModes)
  mode: MigrationMode;

  @IsIn(MigrationStates)
  state: MigrationState;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MigrationPhaseView)
  phases: MigrationPhaseView[];

  /** Bytes of data copied; null until the migration succeeded. */
  @IsNullable()
  @IsInt()
  @Min(0)
  bytesCopied: number | null;

  /** How long the application did not answer; null until the migration succeeded. */
  @IsNullable()
  @IsInt()
  @Min(0)
  downtimeMs: number | null;

  /** Why it failed or was rolled back. */
  @IsNullable()
  @IsString()
  reason: string | null;
}

/** One page of `GET /v1/migrations`: pass `next` back as `after` for the following one. */
export class MigrationPage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => MigrationSummary)
  items: MigrationSummary[];

  /** Absent on the last page. */
  @IsOptional()
  @IsString()
  next?: string;
}

/** The optional body of `POST /v1/instances/{id}/migrate`. */
export class MigrateInstanceRequest {
  /** The host to move to; placement chooses by its rules when absent. */
  @IsOptional()
  @IsHostId()
  to?: string;

  /** `live` where both ends can (qemu) unless given; `cold` stops, copies and starts. */
  @IsOptional()
  @IsIn(MigrationModes)
  mode?: MigrationMode;
}
