import { register } from 'prom-client';
import { recordPlacement } from './placement-metrics';

async function placementTotals(): Promise<Record<string, number>> {
  const metric = await register.getSingleMetric('federa_placements_total')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.outcome), v.value]));
}

async function durationCount(): Promise<number> {
  const metric = await register.getSingleMetric('federa_placement_duration_seconds')!.get();
  return metric.values.find(
    (v) => (v as { metricName?: string }).metricName === 'federa_placement_duration_seconds_count',
  )!.value;
}

describe('placement metrics', () => {
  it('shows both outcomes before any placement', async () => {
    expect(await placementTotals()).toEqual({ placed: 0, failed: 0 });
  });

  it('counts each placed and failed instance of a call, and the call once in the latency', async () => {
    const calls = await durationCount();
    recordPlacement(0.02, [
      { outcome: 'placed', instance: 'i-1', host: 'h-1' },
      { outcome: 'placed', instance: 'i-2', host: 'h-2' },
      { outcome: 'failed', instance: 'i-3' },
      { outcome: 'dropped', instance: 'i-4', reason: 'instance is stopping' },
    ]);
    expect(await placementTotals()).toEqual({ placed: 2, failed: 1 });
    expect(await durationCount()).toBe(calls + 1);
  });
});
