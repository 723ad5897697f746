import {
  allocationsOverCapacity,
  compareOutcomes,
  differenceLine,
  refusedStepDifference,
} from './compare-outcomes';

describe('compareOutcomes', () => {
  const recorded = {
    hosts: { h1: 'ready', h2: 'drained' },
    services: { shop: 'available' },
    instances: { 'shop/web': { healthy: 2, stopped: 1 } },
  };

  it('finds nothing when host states, service states and instance counts match', () => {
    expect(compareOutcomes(recorded, structuredClone(recorded))).toEqual([]);
  });

  it('names each host, service and application whose outcome differs, and what is missing', () => {
    const replayed = {
      hosts: { h1: 'ready', h2: 'draining' },
      services: {},
      instances: { 'shop/web': { healthy: 1, failed: 1, stopped: 1 } },
    };
    expect(compareOutcomes(recorded, replayed).map(differenceLine)).toEqual([
      'host h2: recorded drained, replayed draining',
      'service shop: recorded available, replayed (none)',
      'instances shop/web: recorded healthy 2, stopped 1, replayed failed 1, healthy 1, stopped 1',
    ]);
  });
});

describe('allocationsOverCapacity', () => {
  it('names every host allocated beyond its capacity, and each resource over', () => {
    const capacity = { cpuMillis: 1000, memoryBytes: 100 };
    expect(
      allocationsOverCapacity([
        { id: 'h1', capacity, allocated: { cpuMillis: 1000, memoryBytes: 50 } },
        { id: 'h2', capacity, allocated: { cpuMillis: 1500, memoryBytes: 50 } },
      ]).map(differenceLine),
    ).toEqual([
      'capacity h2: recorded allocation within capacity, replayed cpuMillis 1500 allocated of 1000',
    ]);
  });

  it('names a step the recording shows accepted and the target refused', () => {
    expect(
      differenceLine(refusedStepDifference('POST /v1/hosts/h1/drain', 42, 'conflict: cordoned')),
    ).toBe(
      'step POST /v1/hosts/h1/drain (recorded at position 42): recorded accepted, replayed refused: conflict: cordoned',
    );
  });
});
