import { foldEvents, type Decider } from './decider';
import { retryDelayMs } from './retry-delay';

type Counter = { total: number };
type Add = { type: 'Added'; data: { by: number } };
const counter: Decider<Counter, { add: number }, Add> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command) => {
    if (command.add <= 0) throw new Error('add must be positive');
    return { type: 'Added', data: { by: command.add } };
  },
};

describe('a decider', () => {
  it('folds events over its initial state in order', () => {
    const events: Add[] = [1, 2, 3].map((by) => ({ type: 'Added', data: { by } }));
    expect(foldEvents(counter, events)).toEqual({ total: 6 });
    expect(foldEvents(counter, [])).toEqual({ total: 0 });
  });

  it('retries after a random delay below an exponentially growing, capped bound', () => {
    expect(retryDelayMs(1, 5, 200, () => 0.999)).toBe(9);
    expect(retryDelayMs(3, 5, 200, () => 0.5)).toBe(20);
    expect(retryDelayMs(10, 5, 200, () => 0.999)).toBe(199);
    expect(retryDelayMs(10, 5, 200, () => 0)).toBe(0);
  });
});
