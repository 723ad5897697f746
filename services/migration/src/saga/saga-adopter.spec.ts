import type { MigrationSagaState } from '../domain/migration-saga';
import { SagaAdopter } from './saga-adopter';
import type { SagaOwnership } from './saga-ownership';

/** Leases held by other (live) owners, as the database would answer a claim. */
class Leases implements SagaOwnership {
  constructor(readonly heldElsewhere: Set<string>) {}
  readonly mine = new Set<string>();
  async claim(migration: string): Promise<boolean> {
    if (this.heldElsewhere.has(migration) || this.mine.has(migration)) return false;
    this.mine.add(migration);
    return true;
  }
  async owns(migration: string): Promise<boolean> {
    return this.mine.has(migration);
  }
  async release(migration: string): Promise<void> {
    this.mine.delete(migration);
  }
}

function adopter(leader: boolean, unended: string[], heldElsewhere: string[]) {
  const runs: Array<{ migration: string; adopted?: boolean }> = [];
  const ownership = new Leases(new Set(heldElsewhere));
  const subject = new SagaAdopter(
    {
      isLeader: () => leader,
      unended: async () => unended,
      ownership,
      runner: {
        run: async (migration, options) => {
          runs.push({ migration, adopted: options?.adopted });
          return { status: 'running' } as MigrationSagaState;
        },
      },
      log: () => undefined,
    },
    60_000,
  );
  return { subject, runs, ownership };
}

describe('the leader taking sagas over', () => {
  it('resumes every saga not ended whose owner lease is free, as adopted', async () => {
    const { subject, runs } = adopter(true, ['mig-1', 'mig-2', 'mig-3'], ['mig-2']);
    expect(await subject.sweep()).toEqual(['mig-1', 'mig-3']);
    expect(runs).toEqual([
      { migration: 'mig-1', adopted: true },
      { migration: 'mig-3', adopted: true },
    ]);
  });

  it('leaves a saga alone while its owner holds its lease, however long it has been silent', async () => {
    const { subject, runs } = adopter(true, ['mig-1'], ['mig-1']);
    await subject.sweep();
    await subject.sweep();
    expect(runs).toEqual([]);
  });

  it('does not run a saga twice when it already runs it', async () => {
    const { subject, runs } = adopter(true, ['mig-1'], []);
    await subject.sweep();
    await subject.sweep();
    expect(runs).toHaveLength(1);
  });

  it('takes nothing over on a replica that does not lead', async () => {
    const { subject, runs } = adopter(false, ['mig-1'], []);
    expect(await subject.sweep()).toEqual([]);
    expect(runs).toEqual([]);
  });
});
