import type { MessageEvent } from '@nestjs/common';
import { ErrorCodes, FederaError } from '@federa/contracts';
import { lastValueFrom, NEVER, startWith, toArray } from 'rxjs';
import { untilTokenEnds } from './until-token-ends';

describe('untilTokenEnds', () => {
  it('passes events on until the token is refused, then sends one error event and ends', async () => {
    let checks = 0;
    const events = NEVER.pipe(startWith<MessageEvent>({ id: '1', data: { position: 1 } }));
    const received = await lastValueFrom(
      untilTokenEnds(
        events,
        async () =>
          ++checks < 3 ? undefined : new FederaError(ErrorCodes.unauthorized, 'token revoked'),
        5,
      ).pipe(toArray()),
    );
    expect(received).toEqual([
      { id: '1', data: { position: 1 } },
      { type: 'error', data: { error: { code: 'unauthorized', message: 'token revoked' } } },
    ]);
    expect(checks).toBe(3);
  });
});
