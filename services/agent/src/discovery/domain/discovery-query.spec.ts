import { DEFAULT_WAIT_MS, parseDiscoveryQuery } from './discovery-query';

const parse = (query: string) => parseDiscoveryQuery(new URLSearchParams(query));

describe('parseDiscoveryQuery', () => {
  it('answers at once without parameters', () => {
    expect(parse('')).toEqual({ ok: true, afterVersion: undefined, timeoutMs: DEFAULT_WAIT_MS });
  });

  it('waits for a version above `after`, or for `waitForVersion` itself', () => {
    expect(parse('after=4&timeoutMs=100')).toEqual({ ok: true, afterVersion: 4, timeoutMs: 100 });
    expect(parse('waitForVersion=5')).toMatchObject({ ok: true, afterVersion: 4 });
    expect(parse('waitForVersion=0')).toMatchObject({ ok: true, afterVersion: undefined });
  });

  it('names every wrong parameter', () => {
    const result = parse('after=x&timeoutMs=999999&colour=red');
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
      'after',
      'timeoutMs',
      'colour',
    ]);
  });
});
