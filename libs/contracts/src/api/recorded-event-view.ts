import { Type } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Min,
  ValidateNested,
} from 'class-validator';
import type { EventMetadata, RecordedEvent } from '../events/envelope';

/** Who and why, as every event carries it. */
export class EventMetadataView implements EventMetadata {
  [key: string]: unknown;

  @IsString()
  correlationId: string;

  @IsOptional()
  @IsString()
  causationId?: string;

  @IsString()
  actor: string;

  /** The role of the token `actor` names, when it names one. */
  @IsOptional()
  @IsString()
  actorRole?: string;

  /** The service that decided the change and appended the event. */
  @IsOptional()
  @IsString()
  decidedBy?: string;

  /** The W3C trace context of the span that appended it, when the appending process traces. */
  @IsOptional()
  @IsString()
  traceparent?: string;

  /** When the deciding code observed the change. */
  @IsISO8601()
  occurredAt: string;
}

/** An event as `GET /v1/events` and the event stream serve it. */
export class RecordedEventView implements RecordedEvent {
  /** Its place in the whole log: pass it as `after` to read on from it. */
  @IsInt()
  @Min(1)
  position: number;

  /** `category-id`, as in `host-mph-1`. */
  @IsString()
  streamId: string;

  @IsInt()
  @Min(1)
  streamVersion: number;

  @IsString()
  type: string;

  @IsInt()
  @Min(1)
  schemaVersion: number;

  /** The event's own fields; instance events carry `service`, `app`, `instance` and `host`. */
  @IsObject()
  data: unknown;

  @IsObject()
  @ValidateNested()
  @Type(() => EventMetadataView)
  metadata: EventMetadataView;

  @IsUUID()
  eventId: string;

  @IsISO8601()
  recordedAt: string;
}
