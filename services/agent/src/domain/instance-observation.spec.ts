import { isWatched, judgeStatus, stateAfterHealth } from './instance-observation';

describe('judgeStatus', () => {
  it('fails an instance that should run once its layer says it stopped or failed', () => {
    expect(judgeStatus('healthy', 'failed')).toEqual({ kind: 'ended', becomes: 'failed' });
    expect(judgeStatus('starting', 'stopped')).toEqual({ kind: 'ended', becomes: 'failed' });
  });

  it('does not fail an instance still arriving by migration when the layer has nothing yet', () => {
    expect(judgeStatus('migrating', 'stopped')).toEqual({ kind: 'ended' });
  });

  it('marks a starting or arriving instance running once its layer runs it', () => {
    expect(judgeStatus('starting', 'running')).toEqual({ kind: 'up', becomes: 'running' });
    expect(judgeStatus('migrating', 'running')).toEqual({ kind: 'up', becomes: 'running' });
    expect(judgeStatus('healthy', 'running')).toEqual({ kind: 'up' });
  });
});

describe('stateAfterHealth', () => {
  it('moves an instance to what its health says, and nowhere while undecided', () => {
    expect(stateAfterHealth('running', { healthy: true, consecutiveFailures: 0 })).toBe('healthy');
    expect(stateAfterHealth('healthy', { healthy: false, consecutiveFailures: 3 })).toBe(
      'unhealthy',
    );
    expect(stateAfterHealth('healthy', { healthy: true, consecutiveFailures: 0 })).toBeUndefined();
    expect(
      stateAfterHealth('running', { healthy: undefined, consecutiveFailures: 2 }),
    ).toBeUndefined();
  });
});

describe('isWatched', () => {
  it('watches instances meant to run and those arriving, not stopped or failed ones', () => {
    expect(['starting', 'running', 'healthy', 'unhealthy', 'migrating'].every(isWatched)).toBe(
      true,
    );
    expect(['stopped', 'stopping', 'failed'].some(isWatched)).toBe(false);
  });
});
