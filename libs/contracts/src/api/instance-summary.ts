import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Min,
  ValidateNested,
} from 'class-validator';
import { InstanceEndpoint } from '../discovery/service-endpoints';
import { IsHostId, IsInstanceId, IsResourceName } from '../events/values/identifiers';
import { InstanceStates, type InstanceState } from '../names/instance-state';
import { IsNullable } from './is-nullable';

/** An instance as `GET /v1/instances` and a service's applications show it (supervision's view). */
export class InstanceSummary {
  @IsInstanceId()
  id: string;

  @IsResourceName()
  service: string;

  @IsResourceName()
  app: string;

  /** null until placed. */
  @IsNullable()
  @IsHostId()
  host: string | null;

  /** The runtime it runs in (`process`, `qemu`, …); empty before the request names one. */
  @IsString()
  layer: string;

  @IsIn(InstanceStates)
  state: InstanceState;

  /** When it entered its current state. */
  @IsISO8601()
  since: string;

  /** The service revision it was started from. */
  @IsInt()
  @Min(0)
  revision: number;

  /** Why it is in its state, when the state has a cause (a failure, a lost host). */
  @IsOptional()
  @IsString()
  reason?: string;

  /** Where it answers (address, port, a VM's guest address), once it runs and its layer exposes a port. */
  @IsOptional()
  @ValidateNested()
  @Type(() => InstanceEndpoint)
  endpoint?: InstanceEndpoint;

  /** Which placement of it this is (InstancePlaced `generation`); absent until placed. */
  @IsOptional()
  @IsInt()
  @Min(1)
  generation?: number;

  /** It replaced an instance whose host died and started from its newest copy, this old (ms). */
  @IsOptional()
  @IsInt()
  @Min(0)
  dataAgeMs?: number;

  /** It replaced an instance whose host died and whose data had no copy: it started empty. */
  @IsOptional()
  @IsBoolean()
  dataLost?: boolean;
}
