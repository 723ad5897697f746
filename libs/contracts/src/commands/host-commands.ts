import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { DrainBlockedInstance } from '../events/host-events';
import { HostStates, type HostState } from '../names/host-state';
import { IsHostId } from '../events/values/identifiers';
import { ListQuery } from './list-query';

/** A drain's deadline: from a second to a week. */
export const DrainDeadlineLimits = { minMs: 1_000, maxMs: 7 * 24 * 3_600_000 } as const;

/** Commands about one host name it. */
export class HostCommand {
  @IsHostId()
  host: string;
}

/** Stop new placements on the host (`POST /v1/hosts/{id}/cordon`). */
export class CordonHostCommand extends HostCommand {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class UncordonHostCommand extends HostCommand {}

/** Evacuate the host (`POST /v1/hosts/{id}/drain`). */
export class DrainHostCommand extends HostCommand {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  /**
   * The drain ends (HostDrainTimedOut, listing what stayed) if the host is not empty this long after
   * it started; nothing is killed for it. Absent: the drain waits for the operator.
   */
  @IsOptional()
  @IsInt()
  @Min(DrainDeadlineLimits.minMs)
  @Max(DrainDeadlineLimits.maxMs)
  deadlineMs?: number;
}

/**
 * Move everything from the host to one named new host, with its data, then retire the old host
 * (`POST /v1/hosts/{id}/replace`, `{ "with": NEW }`).
 */
export class ReplaceHostCommand extends DrainHostCommand {
  @IsHostId()
  with: string;
}

/**
 * What a drain of the host would do, appending nothing (`POST /v1/hosts/{id}/drain?dryRun=true`);
 * with `with`, the plan of a replacement by that host.
 */
export class PlanDrainQuery extends HostCommand {
  @IsOptional()
  @IsHostId()
  with?: string;
}

/**
 * Internal (migration → inventory): what the drain of the host cannot move now, the whole list as it
 * stands (HostDrainBlocked, appended only when it differs from the last one recorded).
 */
/**
 * The drain runner's commands name the drain they are for: a runner still reading an earlier drain
 * (one that timed out) must not end or overwrite the next one.
 */
export class DrainRunnerCommand extends HostCommand {
  /** Which drain of the host: 1 for its first HostDrainStarted, one more for each later one. */
  @IsInt()
  @Min(1)
  drain: number;
}

export class RecordDrainBlockedCommand extends DrainRunnerCommand {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DrainBlockedInstance)
  blocked: DrainBlockedInstance[];
}

/**
 * Internal (migration → inventory): nothing is left on the draining host (HostDrained; a
 * replacement's host is then retired).
 */
export class FinishDrainCommand extends DrainRunnerCommand {
  @IsArray()
  @IsString({ each: true })
  evacuated: string[];

  @IsArray()
  @IsString({ each: true })
  notRelocatable: string[];
}

/** Internal (migration → inventory): the drain's deadline passed with instances still on the host. */
export class TimeOutDrainCommand extends DrainRunnerCommand {
  @IsArray()
  @IsString({ each: true })
  evacuated: string[];

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DrainBlockedInstance)
  remaining: DrainBlockedInstance[];
}

/** Retire the host (`DELETE /v1/hosts/{id}`); refused while instances remain unless `force`. */
export class RetireHostCommand extends HostCommand {
  /** @default false */
  @IsOptional()
  @IsBoolean()
  force?: boolean;
}

export class GetHostQuery extends HostCommand {}

export class ListHostsQuery extends ListQuery {
  @IsOptional()
  @IsIn(HostStates)
  state?: HostState;

  @IsOptional()
  @IsString()
  site?: string;
}
