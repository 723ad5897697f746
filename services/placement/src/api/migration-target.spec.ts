import { FederaError, type RecordedEvent } from '@federa/contracts';
import { PlacementEngine, type PlacementStore } from '../engine/placement-engine';
import { migrationTarget } from './migration-target';

const untouchedStore: PlacementStore = {
  append: () => Promise.reject(new Error('appended')),
  appendMany: () => Promise.reject(new Error('appended')),
  readStream: () => Promise.reject(new Error('read the log')),
  readAll: () => Promise.reject(new Error('read the log')),
};

/** An event of no concern to placement, at `position`. */
const other = (position: number) =>
  ({
    position,
    streamId: 'other-1',
    streamVersion: 1,
    type: 'SomethingElse',
    data: {},
    metadata: {},
  }) as unknown as RecordedEvent;

describe("placement's choice of a migration target", () => {
  it('answers unavailable while it has not read the log as far as the caller, naming after', async () => {
    const engine = new PlacementEngine(untouchedStore);
    await engine.fold([other(7)]);
    let refusal: unknown;
    try {
      migrationTarget(engine, { instance: 'shop-web-1', after: 8 });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(FederaError);
    expect(refusal).toMatchObject({
      code: 'unavailable',
      details: [expect.objectContaining({ path: 'after' })],
    });
  });

  it('chooses once it has read as far, from the view that holds the room of earlier moves', async () => {
    const engine = new PlacementEngine(untouchedStore);
    await engine.fold([other(8)]);
    // Caught up: the query goes on to the rules (here: the instance holds no host).
    expect(() => migrationTarget(engine, { instance: 'shop-web-1', after: 8 })).toThrow(
      'instance shop-web-1 holds no host',
    );
  });
});
