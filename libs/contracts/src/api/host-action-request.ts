import { IsOptional, IsString } from 'class-validator';

/** The optional body of `POST /v1/hosts/{id}/cordon` and `/drain`. */
export class HostActionRequest {
  /** Why, recorded in the event. */
  @IsOptional()
  @IsString()
  reason?: string;
}
