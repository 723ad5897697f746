import {
  applyDecorators,
  Controller,
  Get,
  Headers,
  Query,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ErrorCodes, EventPage, FederaError, RecordedEventView } from '@federa/contracts';
import { map, type Observable } from 'rxjs';
import { ApiContractResponse } from '../openapi/api-contract.decorators';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { EventLogReader } from '../../infrastructure/event-log-reader';
import { TokenRepository, verifiedTokenMs } from '../../infrastructure/tokens/token-repository';
import { tokenExpired } from '../../domain/token-expiry';
import { parseEventsQuery } from './events-query';
import { eventFilterNames } from '../../domain/event-filters';
import { untilTokenEnds } from './until-token-ends';
import { SessionStore } from '../session/session-store';
import { sessionRefusal } from '../session/session-lifetime';

const actorDescription =
  "only the events of this actor (metadata.actor, exactly): token:<name>, agent:<host>, or a service's name";

/** The query parameters that narrow the log, as the OpenAPI document names them. */
function EventFilterQueries(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'type',
      required: false,
      description: 'only these event types, separated by commas (HostDown,HostRecovered)',
    }),
    ApiQuery({ name: 'stream', required: false, description: 'only this stream (host-mph-1)' }),
    ApiQuery({
      name: 'service',
      required: false,
      description:
        "only this service's events: its stream and every event naming it in data.service",
    }),
    ApiQuery({
      name: 'from',
      required: false,
      description: 'only events recorded at or after this time (ISO 8601 with its zone)',
    }),
  );
}

/** The event log, in order: `GET /v1/events`, `GET /v1/events/stream` (SSE). */
@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(
    private readonly reader: EventLogReader,
    private readonly tokens: TokenRepository,
    private readonly sessions: SessionStore,
  ) {}

  @Get()
  @ApiOperation({ summary: 'A page of the event log after a position: { items, next }' })
  @ApiQuery({ name: 'after', required: false, description: 'a log position (default 0)' })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'actor', required: false, description: actorDescription })
  @EventFilterQueries()
  @ApiContractResponse(200, EventPage, 'The events after `after`, in log order')
  list(@Query() query: Record<string, unknown>): Promise<EventPage> {
    const { after, limit, actor, filters } = parseEventsQuery(query);
    return this.reader.page(after, limit, actor, filters);
  }

  @Sse('stream')
  @ApiOperation({
    summary:
      'Server-sent events: the log after a position, then live, until the token is revoked or expires, or the session (cookie) ends (an `error` event)',
  })
  @ApiQuery({
    name: 'after',
    required: false,
    description: 'else the Last-Event-ID header, else 0',
  })
  @ApiQuery({ name: 'actor', required: false, description: actorDescription })
  @EventFilterQueries()
  @ApiProduces('text/event-stream')
  @ApiContractResponse(
    200,
    RecordedEventView,
    'One message per event: `id` its position, `data` the event as JSON',
  )
  stream(
    @Query() query: Record<string, unknown>,
    @CurrentPrincipal() principal: Principal | undefined,
    @Headers('last-event-id') lastEventId?: string,
  ): Observable<MessageEvent> {
    const resumed = query.after === undefined && lastEventId ? { after: lastEventId } : {};
    const { after, actor, filters } = parseEventsQuery({ ...query, ...resumed }, [
      'after',
      'actor',
      ...eventFilterNames,
    ]);
    const events = this.reader
      .follow(after, actor, filters)
      .pipe(map((event) => ({ id: String(event.position), data: event })));
    // A session ends on sign-out, at its expiry, and with its token (revoked: its sessions deleted).
    const session = principal?.session;
    if (session)
      return untilTokenEnds(events, () => this.sessionEnd(session.hash), verifiedTokenMs);
    // FEDERA_API_TOKEN is neither revoked nor expired: only a stored token is asked about again.
    const tokenId = principal?.tokenId;
    if (tokenId === undefined) return events;
    return untilTokenEnds(events, () => this.tokenRefusal(tokenId), verifiedTokenMs);
  }

  /** Why the session stored under `hash` no longer opens the stream, or undefined while it does. */
  private async sessionEnd(hash: string): Promise<FederaError | undefined> {
    try {
      return sessionRefusal(await this.sessions.find(hash), Date.now());
    } catch (error) {
      return error instanceof FederaError
        ? error
        : new FederaError(ErrorCodes.internal, String(error));
    }
  }

  /** Why the stored token `id` no longer opens the stream, or undefined while it does. */
  private async tokenRefusal(id: string): Promise<FederaError | undefined> {
    let token;
    try {
      token = await this.tokens.findLiveById(id);
    } catch (error) {
      return new FederaError(
        ErrorCodes.unavailable,
        `cannot check the token: Postgres does not answer (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    if (!token) return new FederaError(ErrorCodes.unauthorized, 'token revoked');
    if (tokenExpired(token.expiresAt, Date.now()))
      return new FederaError(
        ErrorCodes.unauthorized,
        `token expired (${token.name}, at ${token.expiresAt})`,
      );
    return undefined;
  }
}
