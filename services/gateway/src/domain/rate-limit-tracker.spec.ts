import { rateLimitExempt, rateLimitTracker } from './rate-limit-tracker';

describe('rate limit tracker', () => {
  it('counts a stored token by its id, whatever address it comes from', () => {
    const id = '2b1f5c1e-0000-4000-8000-000000000001';
    expect(rateLimitTracker({ tokenId: id, name: 'ci', ip: '10.0.0.1' })).toBe(`token:${id}`);
    expect(rateLimitTracker({ tokenId: id, name: 'ci', ip: '10.0.0.2' })).toBe(`token:${id}`);
  });

  it('counts two tokens from one address apart', () => {
    const first = rateLimitTracker({ tokenId: 'a', name: 'ci', ip: '10.0.0.1' });
    const second = rateLimitTracker({ tokenId: 'b', name: 'ci', ip: '10.0.0.1' });
    expect(first).not.toBe(second);
  });

  it('counts the admin token of FEDERA_API_TOKEN by its name', () => {
    expect(rateLimitTracker({ name: 'admin', ip: '10.0.0.1' })).toBe('name:admin');
  });

  it('counts a request without a token by its address', () => {
    expect(rateLimitTracker({ ip: '10.0.0.1' })).toBe('ip:10.0.0.1');
  });

  it('never limits probes and scrapes, and limits the API', () => {
    expect(['/healthz', '/readyz', '/metrics'].every(rateLimitExempt)).toBe(true);
    expect(rateLimitExempt('/v1/hosts')).toBe(false);
    expect(rateLimitExempt('/healthz/extra')).toBe(false);
  });
});
