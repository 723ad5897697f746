import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsNullable } from './is-nullable';

/** One instance's usage on one host over the window, summed from its minute rows. */
export class UsageLineView {
  @IsString()
  instance: string;

  /** Null while the catalogue does not know the instance yet. */
  @IsNullable()
  @IsString()
  service: string | null;

  @IsNullable()
  @IsString()
  app: string | null;

  @IsString()
  host: string;

  @IsNumber()
  @Min(0)
  cpuSeconds: number;

  @IsNumber()
  @Min(0)
  memoryGibMinutes: number;

  @IsNumber()
  @Min(0)
  storageGibHours: number;

  /** Bytes received. */
  @IsInt()
  @Min(0)
  networkInBytes: number;

  /** Bytes sent. */
  @IsInt()
  @Min(0)
  networkOutBytes: number;

  /** The application's average load (0..1); null when it reported none. */
  @IsNullable()
  @IsNumber()
  @Min(0)
  @Max(1)
  load: number | null;

  /** Minutes with usage. */
  @IsInt()
  @Min(0)
  minutes: number;

  /** Heartbeats counted. */
  @IsInt()
  @Min(0)
  samples: number;
}

/** What became of the heartbeats the replica that counts them took since it started. */
export class HeartbeatIntakeView {
  @IsInt()
  @Min(0)
  counted: number;

  /** Already counted (the same host, run and sequence again). */
  @IsInt()
  @Min(0)
  replayed: number;

  /** Of an agent run older than one already counted for the host. */
  @IsInt()
  @Min(0)
  stale: number;

  /** Refused (not JSON, or a field missing or out of range), never stored. */
  @IsInt()
  @Min(0)
  malformed: number;

  /**
   * Not stored although well-formed: too many minute rows waiting for Postgres, refused by it, or
   * counted by a replica that another one took over from before it could write them.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  dropped?: number;
}

/** `GET /v1/usage`: usage per instance and host over [from, to), in service, app, instance order. */
export class UsageReport {
  /** Start of the window: as asked, or the oldest minute kept (minute retention) if later. */
  @IsISO8601()
  from: string;

  @IsISO8601()
  to: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => UsageLineView)
  lines: UsageLineView[];

  /** True when more lines matched than the answer holds (narrow the filters). */
  @IsBoolean()
  truncated: boolean;

  /** Heartbeat counts of the replica counting them; absent when the answering replica does not. */
  @IsOptional()
  @ValidateNested()
  @Type(() => HeartbeatIntakeView)
  intake?: HeartbeatIntakeView;
}
