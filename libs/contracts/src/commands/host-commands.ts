import { IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { HostStates, type HostState } from '../names/host-state';
import { IsHostId } from '../events/values/identifiers';
import { ListQuery } from './list-query';

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
