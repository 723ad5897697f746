import { leftoverError } from './leftover-backend';

describe('the refusal of federa up beside an earlier run it finds still running', () => {
  it('names each server, the services and agents that run left beside them, and one kill of them all', () => {
    const error = leftoverError(
      [
        { what: 'PostgreSQL', pid: 11, dataDir: '.federa/pg' },
        { what: 'nats-server', pid: 12, dataDir: '.federa/nats' },
      ],
      [
        { what: 'gateway', pid: 13 },
        { what: 'agent on /srv/.federa/demo/h1', pid: 20 },
      ],
    );
    expect(error.message.split('\n')).toEqual([
      'a PostgreSQL that an earlier federa up started is still running on the data in .federa/pg (pid 11)',
      'a nats-server that an earlier federa up started is still running on the data in .federa/nats (pid 12)',
      'that run also left running: gateway (pid 13), agent on /srv/.federa/demo/h1 (pid 20)',
      'stop them all (kill 11 12 13 20) and run federa up again',
    ]);
  });

  it('says "it" when a lone server is all that is left', () => {
    expect(
      leftoverError([{ what: 'PostgreSQL', pid: 11, dataDir: '.federa/pg' }], []).message,
    ).toBe(
      'a PostgreSQL that an earlier federa up started is still running on the data in .federa/pg (pid 11)\n' +
        'stop it (kill 11) and run federa up again',
    );
  });
});
