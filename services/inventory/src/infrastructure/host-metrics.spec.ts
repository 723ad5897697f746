import { register } from 'prom-client';
import { hostsByState, recordHostDownDetection } from './host-metrics';

describe('host metrics', () => {
  it('counts hosts by their public state and site', () => {
    const counts = hostsByState([
      { site: 'eu1', liveness: 'ready', lifecycle: 'active', hosts: 3 },
      { site: 'eu1', liveness: 'suspect', lifecycle: 'active', hosts: 1 },
      { site: 'us1', liveness: 'ready', lifecycle: 'active', hosts: 2 },
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        { state: 'ready', site: 'eu1', hosts: 3 },
        { state: 'suspect', site: 'eu1', hosts: 1 },
        { state: 'ready', site: 'us1', hosts: 2 },
      ]),
    );
    expect(counts).toHaveLength(3);
  });

  it('shows a draining host that is down as down, and adds up groups of the same state', () => {
    const counts = hostsByState([
      { site: 'eu1', liveness: 'down', lifecycle: 'draining', hosts: 1 },
      { site: 'eu1', liveness: 'down', lifecycle: 'active', hosts: 2 },
      { site: 'eu1', liveness: 'ready', lifecycle: 'draining', hosts: 1 },
      { site: 'eu1', liveness: 'down', lifecycle: 'retired', hosts: 4 },
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        { state: 'down', site: 'eu1', hosts: 3 },
        { state: 'draining', site: 'eu1', hosts: 1 },
        { state: 'retired', site: 'eu1', hosts: 4 },
      ]),
    );
    expect(counts).toHaveLength(3);
  });

  it('records the time from the last heartbeat to the host declared down, in seconds', async () => {
    const before = await detectionTotals();
    recordHostDownDetection(1_000_000, 1_012_500);
    const after = await detectionTotals();
    expect(after.count - before.count).toBe(1);
    expect(after.sum - before.sum).toBeCloseTo(12.5);
  });

  it('records nothing for a host never heard since it registered', async () => {
    const before = await detectionTotals();
    recordHostDownDetection(null, 1_012_500);
    expect((await detectionTotals()).count).toBe(before.count);
  });
});

async function detectionTotals(): Promise<{ count: number; sum: number }> {
  const metric = await register.getSingleMetric('federa_host_down_detection_seconds')!.get();
  const value = (name: string) =>
    metric.values.find((v) => (v as { metricName?: string }).metricName === name)?.value ?? 0;
  return {
    count: value('federa_host_down_detection_seconds_count'),
    sum: value('federa_host_down_detection_seconds_sum'),
  };
}
