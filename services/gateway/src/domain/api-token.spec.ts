import { bearerToken, generateApiToken, hashApiToken, sameToken } from './api-token';

describe('api tokens', () => {
  it('generates a different token each time', () => {
    const a = generateApiToken();
    expect(a).toMatch(/^fed_[A-Za-z0-9_-]{43}$/);
    expect(generateApiToken()).not.toBe(a);
  });

  it('stores a token as the sha256 of its text', () => {
    expect(hashApiToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('compares tokens of different lengths without throwing', () => {
    expect(sameToken('abc', 'abc')).toBe(true);
    expect(sameToken('abc', 'abcd')).toBe(false);
  });

  it('reads the token of a bearer header and nothing else', () => {
    expect(bearerToken('Bearer xyz')).toBe('xyz');
    expect(bearerToken('bearer xyz')).toBe('xyz');
    expect(bearerToken('Basic xyz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
