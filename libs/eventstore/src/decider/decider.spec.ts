import { backoffDelayMs } from '@federa/runtime/backoff';
import { DeciderSpecification } from '@federa/testing';
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
const added = (by: number): Add => ({ type: 'Added', data: { by } });
const spec = DeciderSpecification.for(counter);

describe('a decider', () => {
  it('folds events over its initial state in order', () => {
    expect(foldEvents(counter, [1, 2, 3].map(added))).toEqual({ total: 6 });
    expect(foldEvents(counter, [])).toEqual({ total: 0 });
  });

  it('decides on the state folded from the history, and the new events move that state on', () => {
    spec
      .given([1, 2, 3].map(added))
      .when({ add: 4 })
      .then([added(4)])
      .andState((state) => expect(state).toEqual({ total: 10 }));
  });

  it('refuses a command by throwing, whatever the history', () => {
    spec
      .given([])
      .when({ add: 0 })
      .thenThrows(/positive/);
    spec
      .given([added(5)])
      .when({ add: -1 })
      .thenThrows(/positive/);
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
