import { serviceProbeLine } from './describe';

describe('describe service', () => {
  it("prints the service probe's last result, since when, and why it failed", () => {
    expect(
      serviceProbeLine({
        application: 'web',
        path: '/checkout/health',
        lastResult: 'failed',
        lastAt: '2026-12-07T08:00:00.000Z',
        reason: 'GET /checkout/health answered 503: payment unreachable (shop-web-1a2b3c)',
      }),
    ).toBe(
      'GET /checkout/health on web: failed since 2026-12-07T08:00:00.000Z (GET /checkout/health answered 503: payment unreachable (shop-web-1a2b3c))',
    );
  });

  it('prints a probe that has not run yet as pending', () => {
    expect(
      serviceProbeLine({ application: 'web', path: '/checkout/health', lastResult: 'pending' }),
    ).toBe('GET /checkout/health on web: pending');
  });
});
