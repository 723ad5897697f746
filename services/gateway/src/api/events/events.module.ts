import { Module } from '@nestjs/common';
import { EventLogReader } from '../../infrastructure/event-log-reader';
import { EventsController } from './events.controller';

/** `/v1/events` and its SSE feed, read from the log with the gateway's DATABASE_POOL. */
@Module({ controllers: [EventsController], providers: [EventLogReader] })
export class EventsModule {}
