import { partitionKeep } from './partition-keep';

const stateless = { data: null, placement: { relocatable: true } };

describe('keeping instances on a partitioned host', () => {
  it('never replaces an application with data: the partition may heal and two copies would diverge', () => {
    const withData = { ...stateless, data: { path: 'data', sizeBytes: null } };
    expect(partitionKeep(withData, 3_600_000, 10_000)).toBe('has data');
  });

  it('keeps a non-relocatable application where it is', () => {
    expect(partitionKeep({ ...stateless, placement: { relocatable: false } }, 60_000, 10_000)).toBe(
      'not relocatable',
    );
  });

  it('replaces a stateless application once the grace is over', () => {
    expect(partitionKeep(stateless, 9_999, 10_000)).toBe('within grace');
    expect(partitionKeep(stateless, 10_000, 10_000)).toBeUndefined();
  });
});
