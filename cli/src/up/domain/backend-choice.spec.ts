import { chooseBackend, hostPort, type BackendAddress } from './backend-choice';

const database: BackendAddress = {
  variable: 'FEDERA_DATABASE_URL',
  what: 'PostgreSQL',
  host: '127.0.0.1',
  port: 5432,
  localAddress: '127.0.0.1',
  named: true,
};

describe('chooseBackend', () => {
  it('uses a server that works at the address, whether the variable is set or not', () => {
    for (const named of [true, false]) {
      expect(chooseBackend({ ...database, named }, { kind: 'usable' })).toEqual({
        kind: 'use',
        say: 'using PostgreSQL at 127.0.0.1:5432 (FEDERA_DATABASE_URL)',
      });
    }
  });

  it('starts its own server on exactly the port the URL names when nothing listens there', () => {
    expect(chooseBackend({ ...database, port: 40001 }, { kind: 'free' })).toEqual({
      kind: 'start',
      host: '127.0.0.1',
      port: 40001,
      instead: false,
      why: 'PostgreSQL at 127.0.0.1:40001 does not answer',
    });
  });

  it('listens on the address a local host name resolves to', () => {
    const nats: BackendAddress = {
      variable: 'FEDERA_NATS_URL',
      what: 'NATS',
      host: 'localhost',
      port: 4222,
      localAddress: '127.0.0.1',
      named: false,
    };
    expect(chooseBackend(nats, { kind: 'free' })).toMatchObject({
      kind: 'start',
      host: '127.0.0.1',
      port: 4222,
      instead: false,
    });
  });

  it('refuses a set URL whose local port is taken by something unusable, naming the variable and what answered', () => {
    const choice = chooseBackend(database, {
      kind: 'unusable',
      reason: 'password authentication failed for user "postgres"',
    });
    expect(choice.kind).toBe('fail');
    const { error } = choice as { error: string };
    expect(error).toContain('FEDERA_DATABASE_URL names 127.0.0.1:5432');
    expect(error).toContain('something that is not a usable PostgreSQL answers');
    expect(error).toContain('password authentication failed for user "postgres"');
  });

  it('refuses a set URL of another machine that does not work: federa up cannot start a server there', () => {
    const choice = chooseBackend(
      { ...database, host: 'db.example.com', localAddress: undefined },
      { kind: 'unusable', reason: 'connect ECONNREFUSED 192.0.2.7:5432' },
    );
    expect(choice.kind).toBe('fail');
    const { error } = choice as { error: string };
    expect(error).toContain('FEDERA_DATABASE_URL names db.example.com:5432');
    expect(error).toContain('not an address of this machine');
    expect(error).toContain('connect ECONNREFUSED 192.0.2.7:5432');
  });

  it('moves to another local port, saying why, when the default address is taken by something unusable', () => {
    const choice = chooseBackend(
      { ...database, named: false },
      { kind: 'unusable', reason: 'Connection terminated unexpectedly' },
    );
    expect(choice).toEqual({
      kind: 'start',
      host: '127.0.0.1',
      port: undefined,
      instead: true,
      why:
        'PostgreSQL at 127.0.0.1:5432 (the default of FEDERA_DATABASE_URL, which is not set) is ' +
        'not usable: Connection terminated unexpectedly; set FEDERA_DATABASE_URL to use that server',
    });
  });
});

describe('hostPort', () => {
  it('puts an IPv6 address in brackets', () => {
    expect(hostPort('::1', 4222)).toBe('[::1]:4222');
    expect(hostPort('127.0.0.1', 4222)).toBe('127.0.0.1:4222');
  });
});
