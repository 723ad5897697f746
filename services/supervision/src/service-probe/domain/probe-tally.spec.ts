import { resultChanged, tallyProbe, type ProbeTally } from './probe-tally';

const at = (s: number): string => new Date(s * 1000).toISOString();

describe('service probe tally', () => {
  it('takes a pass as the result at once, and keeps its time while passes follow', () => {
    const first = tallyProbe(undefined, { passed: true, at: at(1) }, 2);
    expect(first).toEqual({ failuresInARow: 0, current: { result: 'passed', at: at(1) } });
    const second = tallyProbe(first, { passed: true, at: at(2) }, 2);
    expect(second.current).toBe(first.current);
    expect(resultChanged(first.current, second.current)).toBe(false);
  });

  it('fails only at the threshold of failures in a row', () => {
    let tally: ProbeTally = tallyProbe(undefined, { passed: true, at: at(1) }, 3);
    tally = tallyProbe(tally, { passed: false, reason: 'GET /h answered 503', at: at(2) }, 3);
    tally = tallyProbe(tally, { passed: false, reason: 'GET /h answered 503', at: at(3) }, 3);
    expect(tally).toEqual({
      failuresInARow: 2,
      current: { result: 'passed', at: at(1) },
      latestReason: 'GET /h answered 503',
    });
    tally = tallyProbe(tally, { passed: false, reason: 'GET /h answered 503', at: at(4) }, 3);
    expect(tally.current).toEqual({ result: 'failed', at: at(4), reason: 'GET /h answered 503' });
  });

  it('forgets failures at a pass', () => {
    let tally = tallyProbe(undefined, { passed: false, reason: 'x', at: at(1) }, 2);
    tally = tallyProbe(tally, { passed: true, at: at(2) }, 2);
    tally = tallyProbe(tally, { passed: false, reason: 'x', at: at(3) }, 2);
    expect(tally).toEqual({
      failuresInARow: 1,
      current: { result: 'passed', at: at(2) },
      latestReason: 'x',
    });
  });

  it('has no result before a pass or enough failures', () => {
    expect(tallyProbe(undefined, { passed: false, reason: 'x', at: at(1) }, 2)).toEqual({
      failuresInARow: 1,
      current: undefined,
      latestReason: 'x',
    });
  });

  it('keeps a failure as it was while failures go on in other words, the newest words apart', () => {
    const tally = tallyProbe(undefined, { passed: false, reason: 'a (tried 1, 2)', at: at(1) }, 1);
    const reworded = tallyProbe(tally, { passed: false, reason: 'a (tried 2, 1)', at: at(2) }, 1);
    expect(reworded.current).toBe(tally.current);
    expect(reworded.latestReason).toBe('a (tried 2, 1)');
    expect(resultChanged(tally.current, reworded.current)).toBe(false);
    const passed = tallyProbe(reworded, { passed: true, at: at(3) }, 1);
    expect(resultChanged(reworded.current, passed.current)).toBe(true);
    expect(passed.latestReason).toBeUndefined();
  });
});
