import { codeOfStatus, statusOfCode } from './status-mapping';

describe('status mapping', () => {
  it('answers each contract code with its status', () => {
    expect(statusOfCode('validation_failed')).toBe(400);
    expect(statusOfCode('unauthorized')).toBe(401);
    expect(statusOfCode('forbidden')).toBe(403);
    expect(statusOfCode('not_found')).toBe(404);
    expect(statusOfCode('conflict')).toBe(409);
    expect(statusOfCode('unavailable')).toBe(503);
    expect(statusOfCode('rate_limited')).toBe(429);
    expect(statusOfCode('payload_too_large')).toBe(413);
  });

  it('answers an unknown code as a server fault', () => {
    expect(statusOfCode('something_new')).toBe(500);
  });

  it('names the code of a framework status', () => {
    expect(codeOfStatus(404)).toBe('not_found');
    expect(codeOfStatus(413)).toBe('payload_too_large');
    expect(codeOfStatus(415)).toBe('validation_failed');
    expect(codeOfStatus(500)).toBe('internal');
    expect(codeOfStatus(504)).toBe('unavailable');
  });
});
