import { Controller, Get, Headers, Query, Sse, type MessageEvent } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EventPage, RecordedEventView } from '@federa/contracts';
import { map, type Observable } from 'rxjs';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { EventLogReader } from '../../infrastructure/event-log-reader';
import { parseEventsQuery } from './events-query';

/** The event log, in order: `GET /v1/events`, `GET /v1/events/stream` (SSE). */
@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly reader: EventLogReader) {}

  @Get()
  @ApiOperation({ summary: 'A page of the event log after a position: { items, next }' })
  @ApiQuery({ name: 'after', required: false, description: 'a log position (default 0)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiContractResponse(200, EventPage, 'The events after `after`, in log order')
  list(@Query() query: Record<string, unknown>): Promise<EventPage> {
    const { after, limit } = parseEventsQuery(query);
    return this.reader.page(after, limit);
  }

  @Sse('stream')
  @ApiOperation({ summary: 'Server-sent events: the log after a position, then live' })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'else the Last-Event-ID header, else 0',
  })
  @ApiProduces('text/event-stream')
  @ApiContractResponse(
    200,
    RecordedEventView,
    'One message per event: `id` its position, `data` the event as JSON',
  )
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
