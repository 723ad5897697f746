import { TimerWheel } from './timer-wheel';

describe('TimerWheel', () => {
  it('spreads members evenly over its slots and fires each once per period', () => {
    const wheel = new TimerWheel<number>(4);
    for (let i = 0; i < 10; i++) wheel.add(i);
    const sizes = [0, 1, 2, 3].map((tick) => wheel.due(tick).size);
    expect(sizes).toEqual([3, 3, 2, 2]);
    const fired = [0, 1, 2, 3].flatMap((tick) => [...wheel.due(tick)]);
    expect(fired.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(wheel.due(5)).toBe(wheel.due(1));
  });

  it('forgets a removed member', () => {
    const wheel = new TimerWheel<string>(2);
    wheel.add('a');
    wheel.remove('a');
    expect(wheel.size).toBe(0);
    expect(wheel.due(0).has('a')).toBe(false);
  });
});
