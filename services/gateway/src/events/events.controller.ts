import { Controller, Get, Headers, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RecordedEvent } from '@federa/contracts';
import { map, type Observable } from 'rxjs';
import { EventLogReader } from './event-log-reader';
import { parseEventsQuery } from './events-query';

/** The event log, in order: `GET /v1/events`, `GET /v1/events/stream` (SSE). */
@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly reader: EventLogReader) {}

  @Get()
  @ApiOperation({ summary: 'A page of the event log after a position: { items, next }' })
  list(@Query() query: Record<string, unknown>): Promise<{ items: RecordedEvent[]; next: number }> {
    const { after, limit } = parseEventsQuery(query);
    return this.reader.page(after, limit);
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Server-sent events: the log after a position, then live' })
  stream(
    @Query() query: Record<string, unknown>,
    @Headers('last-event-id') lastEventId?: string,
  ): Observable<MessageEvent> {
    const resumed = query.after === undefined && lastEventId ? { after: lastEventId } : {};
    const { after } = parseEventsQuery({ ...query, ...resumed }, ['after']);
    return this.reader
      .follow(after)
      .pipe(map((event) => ({ id: String(event.position), data: event })));
  }
}
