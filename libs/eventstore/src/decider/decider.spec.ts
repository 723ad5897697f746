import { backoffDelayMs } from '@federa/runtime/backoff';
import { foldEvents, type Decider } from './decider';
import { conflictBackoff } from './handle-command';

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
    const retryDelayMs = (attempt: number, random: () => number) =>
      backoffDelayMs(attempt, conflictBackoff, random);
    expect(retryDelayMs(1, () => 0.999)).toBe(9);
    expect(retryDelayMs(3, () => 0.5)).toBe(20);
    expect(retryDelayMs(10, () => 0.999)).toBe(199);
    expect(retryDelayMs(10, () => 0)).toBe(0);
  });
});
