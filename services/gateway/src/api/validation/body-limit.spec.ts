import {
  bodyLimitDefaultBytes,
  bodyTooLarge,
  describeBodyLimit,
  loadBodyLimitBytes,
} from './body-limit';

describe('body limit', () => {
  it('is 1 MiB unless FEDERA_API_BODY_LIMIT says otherwise', () => {
    expect(loadBodyLimitBytes({})).toBe(bodyLimitDefaultBytes);
    expect(loadBodyLimitBytes({ FEDERA_API_BODY_LIMIT: '4096' })).toBe(4096);
  });

  it('refuses a limit that is not a positive number of bytes, naming the variable', () => {
    expect(() => loadBodyLimitBytes({ FEDERA_API_BODY_LIMIT: '1mb' })).toThrow(
      /FEDERA_API_BODY_LIMIT/,
    );
    expect(() => loadBodyLimitBytes({ FEDERA_API_BODY_LIMIT: '0' })).toThrow(
      /FEDERA_API_BODY_LIMIT/,
    );
  });

  it('names the limit in bytes and in the largest unit that divides it', () => {
    expect(describeBodyLimit(1024 * 1024)).toBe('1048576 bytes (1 MiB)');
    expect(describeBodyLimit(4096)).toBe('4096 bytes (4 KiB)');
    expect(describeBodyLimit(1000)).toBe('1000 bytes');
  });

  it('refuses a body past it as 413 payload_too_large naming the limit', () => {
    const error = bodyTooLarge(4096);
    expect(error.code).toBe('payload_too_large');
    expect(error.message).toBe('request body is larger than the limit of 4096 bytes (4 KiB)');
    expect(error.details).toEqual([{ path: '', reason: error.message, limitBytes: 4096 }]);
  });
});
