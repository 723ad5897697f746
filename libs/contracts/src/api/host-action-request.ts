import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { DrainDeadlineLimits } from '../commands/host-commands';
import { IsHostId } from '../events/values/identifiers';

/** The optional body of `POST /v1/hosts/{id}/cordon`. */
export class HostActionRequest {
  /** Why, recorded in the event. */
  @IsOptional()
  @IsString()
  reason?: string;
}

/** The optional body of `POST /v1/hosts/{id}/drain`. */
export class DrainRequest extends HostActionRequest {
  /** End the drain (HostDrainTimedOut, listing what stayed) this long after it starts; kills nothing. */
  @IsOptional()
  @IsInt()
  @Min(DrainDeadlineLimits.minMs)
  @Max(DrainDeadlineLimits.maxMs)
  deadlineMs?: number;
}

/** The body of `POST /v1/hosts/{id}/replace`: the new host that takes everything. */
export class ReplaceRequest extends DrainRequest {
  @IsHostId()
  with: string;
}
