import { MeasuredPlacementEngine } from './measured-placement-engine';
import { PlacementEngine } from './placement-engine';
import { placementDuration } from './placement-metrics';
import type { PlacementStore } from './placement-engine';

async function timedCalls(): Promise<number> {
  const metric = await placementDuration.get();
  return metric.values.find((v) => v.metricName === 'federa_placement_duration_seconds_count')!
    .value;
}

describe('MeasuredPlacementEngine', () => {
  afterEach(() => jest.restoreAllMocks());

  it('times a placement call that throws, as well as one that answers', async () => {
    const engine = new MeasuredPlacementEngine({} as PlacementStore);
    const place = jest.spyOn(PlacementEngine.prototype, 'place');
    const before = await timedCalls();

    place.mockResolvedValueOnce([]);
    await engine.place([], { causationId: 'c', correlationId: 'c' } as never);
    place.mockRejectedValueOnce(new Error('the log refused the append'));
    await expect(
      engine.place([], { causationId: 'c', correlationId: 'c' } as never),
    ).rejects.toThrow('the log refused the append');

    expect((await timedCalls()) - before).toBe(2);
  });
});
