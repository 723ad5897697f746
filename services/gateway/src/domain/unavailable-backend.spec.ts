import { unavailableBackend } from './unavailable-backend';

/** An error as pg or nats.js throws it: a message and, often, a code. */
function failure(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('telling a backend outage from any other failure', () => {
  it.each([
    ['a refused connection', failure('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    [
      'an administrator shutdown (57P01)',
      failure('terminating connection due to administrator command', '57P01'),
    ],
    ['a server starting up (57P03)', failure('the database system is starting up', '57P03')],
    ['a connection exception (class 08)', failure('connection failure', '08006')],
    ['a connection terminated', failure('Connection terminated unexpectedly')],
    ['a pool timeout', failure('timeout exceeded when trying to connect')],
    ['a broken client', failure('Client has encountered a connection error and is not queryable')],
  ])('answers postgres for %s', (_case, error) => {
    expect(unavailableBackend(error)).toEqual({ backend: 'postgres', reason: error.message });
  });

  it.each([
    ['no responders', failure('503', '503')],
    ['a request timeout', failure('TIMEOUT', 'TIMEOUT')],
    ['a closed connection', failure('CONNECTION_CLOSED', 'CONNECTION_CLOSED')],
    [
      'a refused connection to its port',
      failure('connect ECONNREFUSED 127.0.0.1:4222', 'ECONNREFUSED'),
    ],
  ])('answers nats for %s', (_case, error) => {
    expect(unavailableBackend(error, { nats: 'nats://127.0.0.1:4222' })?.backend).toBe('nats');
  });

  const urls = {
    postgres: 'postgres://postgres@127.0.0.1:5432/federa',
    nats: 'nats://localhost:41873,nats://10.0.0.7:4222',
  };

  it.each([
    ['its configured address', 'connect ECONNREFUSED 127.0.0.1:41873', 'nats'],
    ['another of its servers', 'connect ECONNREFUSED 10.0.0.7:4222', 'nats'],
    ['the database address', 'connect ECONNREFUSED 127.0.0.1:5432', 'postgres'],
    ['an address neither names', 'connect ECONNREFUSED 127.0.0.1:40123', 'postgres'],
  ])('tells a socket error by the configured URL that names %s', (_case, message, backend) => {
    expect(unavailableBackend(failure(message, 'ECONNREFUSED'), urls)?.backend).toBe(backend);
    expect(unavailableBackend({ code: 'internal', message }, urls)?.backend).toBe(backend);
  });

  it('does not take the default NATS port for NATS when the URLs say it is the database', () => {
    const swapped = {
      postgres: 'postgres://db@127.0.0.1:4222/federa',
      nats: 'nats://127.0.0.1:5999',
    };
    const error = failure('connect ECONNREFUSED 127.0.0.1:4222', 'ECONNREFUSED');
    expect(unavailableBackend(error, swapped)?.backend).toBe('postgres');
  });

  it("recognises a backend service's internal reply that repeats a connection error", () => {
    const reply = { code: 'internal', message: 'connect ECONNREFUSED 127.0.0.1:40123' };
    expect(unavailableBackend(reply)?.backend).toBe('postgres');
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a unique violation', failure('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', failure('syntax error at or near "SELEC"', '42601')],
    ['a thrown string', 'something odd'],
    ['nothing', undefined],
  ])('answers nothing for %s', (_case, error) => {
    expect(unavailableBackend(error)).toBeUndefined();
  });
});
