import { ValidationFailed } from '@federa/contracts';
import { parseEventsQuery } from './events-query';

describe('parseEventsQuery', () => {
  it('defaults to the start of the log and 100 events', () => {
    expect(parseEventsQuery({})).toEqual({ after: 0, limit: 100, filters: {} });
  });

  it('reads after and limit as integers', () => {
    expect(parseEventsQuery({ after: '42', limit: '7' })).toEqual({
      after: 42,
      limit: 7,
      filters: {},
    });
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

  it('reads an actor to filter by', () => {
    expect(parseEventsQuery({ actor: 'token:alice' })).toEqual({
      after: 0,
      limit: 100,
      actor: 'token:alice',
      filters: {},
    });
  });

  it('refuses an actor that is empty, repeated or outside the charset, naming actor', () => {
    for (const actor of ['', 'token:a b', ['token:a', 'token:b'], 'x'.repeat(200)]) {
      expect(() => parseEventsQuery({ actor })).toThrow(ValidationFailed);
      expect(() => parseEventsQuery({ actor })).toThrow(/actor/);
    }
  });

  it('refuses a limit for the stream when only after is allowed', () => {
    expect(() => parseEventsQuery({ limit: '3' }, ['after'])).toThrow(ValidationFailed);
  });

  it('refuses bad filters in the same answer as the other fields', () => {
    expect(() => parseEventsQuery({ limit: '0', type: 'Host Down' })).toThrow(ValidationFailed);
    expect(parseEventsQuery({ type: 'HostDown', stream: 'host-mph-1' }).filters).toEqual({
      types: ['HostDown'],
      stream: 'host-mph-1',
    });
  });
});
