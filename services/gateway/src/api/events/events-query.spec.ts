import { ValidationFailed } from '@federa/contracts';
import { parseEventsQuery } from './events-query';

describe('parseEventsQuery', () => {
  it('defaults to the start of the log and 100 events', () => {
    expect(parseEventsQuery({})).toEqual({ after: 0, limit: 100 });
  });

  it('reads after and limit as integers', () => {
    expect(parseEventsQuery({ after: '42', limit: '7' })).toEqual({ after: 42, limit: 7 });
  });

  it('refuses bad values and unknown parameters, naming every field', () => {
    let error: unknown;
    try {
      parseEventsQuery({ after: '-1', limit: '5000', follow: 'yes' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).errors.map((e) => e.path)).toEqual([
      'follow',
      'after',
      'limit',
    ]);
  });

  it('refuses a limit for the stream when only after is allowed', () => {
    expect(() => parseEventsQuery({ limit: '3' }, ['after'])).toThrow(ValidationFailed);
  });
});
