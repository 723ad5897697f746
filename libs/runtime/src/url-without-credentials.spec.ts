import { urlWithoutCredentials } from './url-without-credentials';

describe('a URL as it is logged', () => {
  it('keeps a URL without credentials as it is', () => {
    expect(urlWithoutCredentials('nats://127.0.0.1:4222')).toBe('nats://127.0.0.1:4222');
  });

  it('hides a user and password, a token, and every one of a list of servers', () => {
    expect(urlWithoutCredentials('postgres://federa:s3cret@db:5432/federa')).toBe(
      'postgres://***@db:5432/federa',
    );
    expect(urlWithoutCredentials('nats://a-token@nats:4222')).toBe('nats://***@nats:4222');
    expect(urlWithoutCredentials('nats://u:p@one:4222,nats://u:p@two:4222')).toBe(
      'nats://***@one:4222,nats://***@two:4222',
    );
  });

  it('hides a password that holds an @ of its own', () => {
    expect(urlWithoutCredentials('postgres://u:p@ss@db/x')).toBe('postgres://***@db/x');
  });
});
