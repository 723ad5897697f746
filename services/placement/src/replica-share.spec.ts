import { shareFromEnv } from './placement.module';

describe('replica share from the environment', () => {
  it('defaults to the only replica', () => {
    expect(shareFromEnv({})).toEqual({ index: 0, count: 1 });
  });

  it('refuses an index outside the replica count, naming the variable', () => {
    expect(() =>
      shareFromEnv({ FEDERA_PLACEMENT_REPLICAS: '2', FEDERA_PLACEMENT_REPLICA_INDEX: '2' }),
    ).toThrow('FEDERA_PLACEMENT_REPLICA_INDEX must be an integer from 0 to 1');
    expect(() => shareFromEnv({ FEDERA_PLACEMENT_REPLICAS: 'many' })).toThrow(
      'FEDERA_PLACEMENT_REPLICAS',
    );
  });

  it('refuses an empty or non-integer index, naming the variable and the pod-index label', () => {
    for (const value of ['', ' ', '1.5', '-1', 'one']) {
      expect(() =>
        shareFromEnv({ FEDERA_PLACEMENT_REPLICAS: '2', FEDERA_PLACEMENT_REPLICA_INDEX: value }),
      ).toThrow(/FEDERA_PLACEMENT_REPLICA_INDEX.*apps\.kubernetes\.io\/pod-index/);
    }
    expect(
      shareFromEnv({ FEDERA_PLACEMENT_REPLICAS: '2', FEDERA_PLACEMENT_REPLICA_INDEX: '1' }),
    ).toEqual({ index: 1, count: 2 });
  });
});
