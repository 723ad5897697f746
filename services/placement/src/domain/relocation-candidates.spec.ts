import { PlacementStack } from './placement-stack';
import { clusterOf, hostAttributes, request } from '../testing/cluster-fixture';

describe('relocation candidates', () => {
  it('ranks every host but the one the instance runs on, by the placement scorers', () => {
    const state = clusterOf(
      hostAttributes('h1'),
      hostAttributes('dear', {
        costs: { cpuHour: 0.4, memoryGiBHour: 0.05, storageGiBMonth: 1, networkGiB: 0.1 },
      }),
      hostAttributes('cheap'),
    );
    const stack = new PlacementStack();
    const web = request('w1');
    const [placed] = stack.decideBatch([web], state);
    const home = placed.outcome === 'placed' ? placed.allocation.host : '';
    const { candidates } = stack.relocationCandidates(web, state, { exclude: home });
    expect(candidates.map((c) => c.host)).not.toContain(home);
    expect(candidates.length).toBe(2);
  });

  it('names the first filter that rejects a named target', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('vm-only', { layers: ['qemu'] }));
    const stack = new PlacementStack();
    const web = request('w1');
    stack.decideBatch([web], state);
    expect(stack.relocationCandidates(web, state, { exclude: 'h1', to: 'vm-only' })).toEqual({
      candidates: [],
      rejected: [{ host: 'vm-only', filter: 'layer' }],
    });
  });

  it('rejects every other host of a non-relocatable instance with relocation-ban', () => {
    const state = clusterOf(hostAttributes('h1'), hostAttributes('h2'));
    const stack = new PlacementStack();
    const db = request('d1', { app: 'db', relocatable: false });
    const [placed] = stack.decideBatch([db], state);
    const home = placed.outcome === 'placed' ? placed.allocation.host : '';
    const { rejected } = stack.relocationCandidates(db, state, { exclude: home });
    expect(rejected.map((r) => r.filter)).toEqual(['relocation-ban']);
  });
});
