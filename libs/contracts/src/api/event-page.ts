import { Type } from 'class-transformer';
import { IsArray, IsInt, Min, ValidateNested } from 'class-validator';
import { RecordedEventView } from './recorded-event-view';

/** A page of `GET /v1/events`: the events after a position, and the position to read on from. */
export class EventPage {
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RecordedEventView)
  items: RecordedEventView[];

  /** The position of the last event served (the `after` given when there was none): the next `after`. */
  @IsInt()
  @Min(0)
  next: number;
}
