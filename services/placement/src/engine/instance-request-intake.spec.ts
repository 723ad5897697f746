import type { InstanceRequestedData, RecordedEvent } from '@federa/contracts';
import { InstanceRequestIntake } from './instance-request-intake';
import type { PlacementEngine } from './placement-engine';

function requestedEvent(instance: string, position: number): RecordedEvent {
  const data: InstanceRequestedData = {
    service: 'shop',
    app: 'web',
    instance,
    layer: 'process',
    resources: { cpuMillis: 500, memoryBytes: 1, storageBytes: 0, bandwidthBps: 0 },
    revision: 1,
    reason: 'deploy',
  };
  return {
    position,
    streamId: `instance-${instance}`,
    streamVersion: 1,
    type: 'InstanceRequested',
    schemaVersion: 1,
    data,
    metadata: { correlationId: 'c-1', actor: 'supervision', occurredAt: '2026-12-07T00:00:00Z' },
    eventId: `00000000-0000-4000-8000-00000000000${position}`,
    recordedAt: '2026-12-07T00:00:00Z',
  } as RecordedEvent;
}

/** An engine whose place() fails the first `failures` calls, recording what it was asked. */
function flakyEngine(failures: number) {
  const asked: string[][] = [];
  const engine = {
    catalog: { get: () => undefined },
    fold: async () => undefined,
    place: async (requests: { instance: string }[]) => {
      asked.push(requests.map((r) => r.instance));
      if (failures-- > 0) throw new Error('connection terminated');
      return [];
    },
  } as unknown as PlacementEngine;
  return { engine, asked };
}

describe('the instance request intake', () => {
  afterEach(() => jest.useRealTimers());

  it('places the requests of a batch that failed again, after a wait', async () => {
    jest.useFakeTimers();
    const { engine, asked } = flakyEngine(1);
    const errors: string[][] = [];
    const intake = new InstanceRequestIntake(engine, undefined, (_, instances) =>
      errors.push(instances),
    );
    await intake.onEvents([requestedEvent('shop-web-a', 1), requestedEvent('shop-web-b', 2)], true);
    expect(errors).toEqual([['shop-web-a', 'shop-web-b']]);

    await jest.advanceTimersByTimeAsync(500);
    expect(asked).toEqual([
      ['shop-web-a', 'shop-web-b'],
      ['shop-web-a', 'shop-web-b'],
    ]);
    intake.stop();
  });

  it('tries no more once stopped', async () => {
    jest.useFakeTimers();
    const { engine, asked } = flakyEngine(5);
    const intake = new InstanceRequestIntake(engine, undefined, () => undefined);
    await intake.onEvents([requestedEvent('shop-web-a', 1)], true);
    intake.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(asked).toHaveLength(1);
  });

  it("places each instance for whoever requested it, caused by that instance's own request", async () => {
    let causeOf: ((instance: string) => unknown) | undefined;
    const engine = {
      catalog: { get: () => undefined },
      fold: async () => undefined,
      place: async (_: unknown, cause: (instance: string) => unknown) => {
        causeOf = cause;
        return [];
      },
    } as unknown as PlacementEngine;
    const alice = requestedEvent('shop-web-a', 1);
    alice.metadata = { ...alice.metadata, actor: 'token:alice', actorRole: 'operator' };
    const intake = new InstanceRequestIntake(engine, undefined, () => undefined);
    await intake.onEvents([alice, requestedEvent('shop-web-b', 2)], true);
    expect(causeOf?.('shop-web-a')).toEqual({
      correlationId: 'c-1',
      causationId: alice.eventId,
      actor: 'token:alice',
      actorRole: 'operator',
      decidedBy: 'placement',
    });
    expect(causeOf?.('shop-web-b')).toEqual(
      expect.objectContaining({ actor: 'supervision', causationId: requestedEvent('', 2).eventId }),
    );
    intake.stop();
  });
});
