import { headers } from 'nats';
import { correlationIdHeader, correlationIdOf } from './correlated-command-transport';

describe('correlationIdOf', () => {
  it("reads a command's correlation id from its header", () => {
    const carried = headers();
    carried.set(correlationIdHeader, 'req-7');
    expect(correlationIdOf({ headers: carried })).toBe('req-7');
  });

  it('has none for a command without the header, or without headers', () => {
    const other = headers();
    other.set('Federa-Actor', 'token:ci');
    expect(correlationIdOf({ headers: other })).toBeUndefined();
    expect(correlationIdOf({ headers: undefined })).toBeUndefined();
  });

  it('ignores a header that is no request id: too long, or outside its charset', () => {
    for (const bad of ['x'.repeat(129), 'req 7', 'req/7', '{"a":1}']) {
      const carried = headers();
      carried.set(correlationIdHeader, bad);
      expect(correlationIdOf({ headers: carried })).toBeUndefined();
    }
    const longest = headers();
    longest.set(correlationIdHeader, 'a'.repeat(128));
    expect(correlationIdOf({ headers: longest })).toBe('a'.repeat(128));
  });
});
