import { orphanVerdict } from './orphan-verdict';

const word = (state: string, adoptedByHandle = false, adoptedOrphan = false) => ({
  state,
  adoptedByHandle,
  adoptedOrphan,
});

describe('orphanVerdict', () => {
  it('adopts a workload of an instance the table says runs here and no process runs yet', () => {
    for (const state of ['starting', 'running', 'healthy', 'unhealthy'])
      expect(orphanVerdict(word(state))).toEqual({ kind: 'adopt' });
  });

  it('stops a workload of an instance the table does not know', () => {
    expect(orphanVerdict(undefined)).toEqual({
      kind: 'stop',
      why: 'its instance is not in the instance table',
    });
  });

  it('stops a workload of an instance the table says is not running', () => {
    for (const state of ['stopped', 'failed', 'stopping'])
      expect(orphanVerdict(word(state))).toEqual({
        kind: 'stop',
        why: `its instance is ${state}`,
      });
  });

  it('stops a second copy of an instance another process already runs', () => {
    expect(orphanVerdict(word('running', true))).toMatchObject({ kind: 'stop' });
    expect(orphanVerdict(word('starting', false, true))).toEqual({
      kind: 'stop',
      why: 'another process runs its instance',
    });
  });
});
