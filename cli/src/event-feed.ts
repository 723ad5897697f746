import { ErrorCodes, FederaError, type ErrorResponse, type RecordedEvent } from '@federa/contracts';
import { backoffDelayMs, type BackoffPolicy } from '@federa/runtime/backoff';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { GatewayUnreachable, type ApiClient } from './api-client';
import { setEventFilters, type EventFilters } from './event-filter-flags';

/** Which events the feed carries: the query of `GET /v1/events/stream` besides `after`. */
export type EventFeedFilters = EventFilters;

export interface EventFeedOptions {
  /** Start after this log position (0: from the start of the log). */
  after?: number;
  filters?: EventFeedFilters;
  /** Ends the feed: readEventFeed then resolves. */
  signal?: AbortSignal;
  /** Each event, in log order, once: the next is read only after this settles. */
  onEvent: (event: RecordedEvent) => void | Promise<void>;
  /** Told when the connection dropped and the feed reconnects after `delayMs`. */
  onReconnect?: (info: {
    lastEventId: string | undefined;
    delayMs: number;
    cause: unknown;
  }) => void;
  /** The waits between reconnections (full jitter): default 250 ms doubling up to 10 s. */
  backoff?: BackoffPolicy;
}

const defaultBackoff: BackoffPolicy = { baseMs: 250, maxMs: 10_000 };

/** How long a connection must stay open, without an event, for the next drop to count as the first. */
const provenOpenMs = 10_000;

/**
 * Reads the gateway's live event log (`GET /v1/events/stream`, server-sent events) and hands each
 * event to `onEvent` until `signal` aborts. A dropped connection is opened again with the
 * `Last-Event-ID` of the last event handed on, so no event is lost or repeated. A first connection
 * that fails, an answer that is not the stream (401, 403, 400) and the stream's own `error` message
 * (the token revoked or expired) end the feed with that error: retrying would not change them. An
 * `unavailable` or `overloaded` answer or error message, once the stream was open, is retried with
 * the same backoff as a dropped connection.
 */
export async function readEventFeed(api: ApiClient, options: EventFeedOptions): Promise<void> {
  const { signal } = options;
  let lastEventId: string | undefined;
  let connected = false;
  let attempt = 0;
  while (!signal?.aborted) {
    let cause: unknown;
    try {
      const response = await api.openStream(
        streamPath(options, lastEventId),
        {
          accept: 'text/event-stream',
          ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}),
        },
        signal,
      );
      connected = true;
      const openedAt = Date.now();
      // The backoff starts again only once a connection proved itself (an event, or a while open):
      // a gateway or proxy that answers and closes at once must not be asked again every 250 ms.
      await readMessages(response, signal, async (message) => {
        await options.onEvent(feedEvent(message.data));
        if (message.id !== undefined) lastEventId = message.id;
        attempt = 0;
      }).finally(() => {
        if (Date.now() - openedAt >= provenOpenMs) attempt = 0;
      });
      cause = new Error('the gateway closed the event stream');
    } catch (error) {
      if (signal?.aborted) return;
      // Once the stream was open, what passes is retried; what retrying would not change (401,
      // 403, 400, a first connection that fails) ends the feed.
      if (!connected || !isPassing(error)) throw error;
      cause = error;
    }
    if (signal?.aborted) return;
    const delayMs = backoffDelayMs(attempt++, options.backoff ?? defaultBackoff);
    options.onReconnect?.({ lastEventId, delayMs, cause });
    await sleep(delayMs, signal);
  }
}

/**
 * A failure that passes: the connection dropped or cannot be opened again, or the gateway (or a
 * proxy before it: 502, 503, 504) is unavailable or overloaded for now, as an answer or as the
 * stream's error message (the gateway's token check did not get an answer from Postgres).
 */
export function isPassing(error: unknown): boolean {
  if (error instanceof GatewayUnreachable || error instanceof StreamDropped) return true;
  return (
    error instanceof FederaError &&
    (error.code === ErrorCodes.unavailable || error.code === ErrorCodes.overloaded)
  );
}

/**
 * The stream's path: the first connection says where to start with `after`; a reconnection leaves
 * it out so that the gateway resumes from the `Last-Event-ID` header.
 */
export function streamPath(options: EventFeedOptions, lastEventId: string | undefined): string {
  const query = new URLSearchParams();
  if (lastEventId === undefined) query.set('after', String(options.after ?? 0));
  setEventFilters(query, options.filters ?? {});
  return `/v1/events/stream?${query}`;
}

/**
 * The event of one stream message; the stream's last message, when the gateway ends it (the token
 * was revoked or expired), is an error instead, thrown as the API's error.
 */
export function feedEvent(data: string): RecordedEvent {
  const message = JSON.parse(data) as RecordedEvent | Partial<ErrorResponse>;
  if ('error' in message && message.error) throw FederaError.fromBody({ error: message.error });
  return message as RecordedEvent;
}

/** The connection broke while the stream was being read. */
class StreamDropped extends Error {
  constructor(cause: unknown) {
    super(`the event stream dropped (${cause instanceof Error ? cause.message : String(cause)})`);
    this.name = 'StreamDropped';
  }
}

/**
 * Parses the response body as server-sent events, handing each message on in order. Only a failed
 * read of the body is the stream dropping; what `onMessage` throws is passed on as it is.
 */
async function readMessages(
  response: Response,
  signal: AbortSignal | undefined,
  onMessage: (message: EventSourceMessage) => Promise<void>,
): Promise<void> {
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => messages.push(message) });
  const decoder = new TextDecoder();
  const body = (response.body as unknown as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  try {
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await body.next();
      } catch (error) {
        if (signal?.aborted) return;
        throw new StreamDropped(error);
      }
      if (next.done) return;
      parser.feed(decoder.decode(next.value, { stream: true }));
      for (let message = messages.shift(); message; message = messages.shift()) {
        if (signal?.aborted) return;
        await onMessage(message);
      }
    }
  } finally {
    // Closes the connection when the feed ends early (aborted, or onMessage threw).
    await body.return?.().catch(() => undefined);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
