import { natsAuthRefusal, NatsAuthRefusal } from './nats-auth-refusal';
import { serverUnreachable } from './first-server';

const failure = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('natsAuthRefusal', () => {
  it('names the credentials file the server refused', () => {
    const refusal = natsAuthRefusal(
      failure('AUTHORIZATION_VIOLATION', "'Authorization Violation'"),
      'nats://bus.example:4222',
      { credentialsFile: '/etc/federa/agent.seed' },
    );
    expect(refusal).toBeInstanceOf(NatsAuthRefusal);
    expect(refusal?.message).toContain('FEDERA_NATS_CREDENTIALS (/etc/federa/agent.seed)');
    expect(refusal?.message).toContain('AUTHORIZATION_VIOLATION');
  });

  it('says FEDERA_NATS_CREDENTIALS is not set, and keeps a password in the URL out of the message', () => {
    const refusal = natsAuthRefusal(
      failure('AUTHORIZATION_VIOLATION', "'Authorization Violation'"),
      'nats://alice:secret@bus.example:4222',
      {},
    );
    expect(refusal?.message).toContain('FEDERA_NATS_CREDENTIALS is not set');
    expect(refusal?.message).not.toContain('secret');
  });

  it('is undefined for a server that is only not there yet', () => {
    expect(natsAuthRefusal(failure('CONNECTION_REFUSED', 'refused'), 'nats://x:1', {})).toBe(
      undefined,
    );
  });
});

describe('serverUnreachable', () => {
  it('is true for a refused or timed-out connection and false for a refused identity', () => {
    expect(serverUnreachable(failure('CONNECTION_REFUSED', 'connect ECONNREFUSED'))).toBe(true);
    expect(serverUnreachable(failure('CONNECTION_TIMEOUT', 'timeout'))).toBe(true);
    expect(serverUnreachable(failure('AUTHORIZATION_VIOLATION', 'Authorization Violation'))).toBe(
      false,
    );
    expect(serverUnreachable(undefined)).toBe(false);
  });
});
