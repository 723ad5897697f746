import type { MessageEvent } from '@nestjs/common';
import type { FederaError } from '@federa/contracts';
import {
  exhaustMap,
  filter,
  map,
  merge,
  share,
  take,
  takeUntil,
  timer,
  type Observable,
} from 'rxjs';

/**
 * `events` until `refusal` (asked every `everyMs`) names a reason the caller's token no longer
 * holds (revoked, expired): then one SSE `error` event with that refusal as the API's error body
 * (`{ error: { code, message } }`), and the stream ends. A stream is authenticated once, when it
 * opens; without this a token that expires or is revoked would keep receiving the log for as long
 * as its connection lasts.
 */
export function untilTokenEnds(
  events: Observable<MessageEvent>,
  refusal: () => Promise<FederaError | undefined>,
  everyMs: number,
): Observable<MessageEvent> {
  const ended = timer(everyMs, everyMs).pipe(
    exhaustMap(() => refusal()),
    filter((error): error is FederaError => error !== undefined),
    take(1),
    map((error): MessageEvent => ({
      type: 'error',
      data: { error: { code: error.code, message: error.message } },
    })),
    share(),
  );
  return merge(events.pipe(takeUntil(ended)), ended);
}
