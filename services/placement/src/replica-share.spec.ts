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
});
