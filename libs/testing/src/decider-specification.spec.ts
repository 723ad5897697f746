import type { Decider } from '@federa/eventstore';
import { DeciderSpecification } from './decider-specification';

type Added = { type: 'Added'; data: { by: number } };
const counter: Decider<{ total: number }, { add: number }, Added> = {
  initialState: () => ({ total: 0 }),
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command) => {
    if (command.add < 0) throw new RangeError('add must not be negative');
    return command.add === 0 ? [] : { type: 'Added', data: { by: command.add } };
  },
};
const added = (by: number): Added => ({ type: 'Added', data: { by } });
const spec = DeciderSpecification.for(counter);

describe('a decider specification', () => {
  it('folds the given events, then compares what the command decides', () => {
    spec
      .given([added(1), added(2)])
      .when({ add: 3 })
      .then([added(3)])
      .andState((state) => expect(state).toEqual({ total: 6 }));
    spec
      .given([added(1)])
      .when({ add: 0 })
      .thenNothing()
      .andState((state) => expect(state).toEqual({ total: 1 }));
  });

  it('fails when the command decides other events, none, or refuses', () => {
    expect(() =>
      spec
        .given([])
        .when({ add: 2 })
        .then([added(3)]),
    ).toThrow();
    expect(() => spec.given([]).when({ add: 2 }).thenNothing()).toThrow();
    expect(() => spec.given([]).when({ add: -1 }).then([])).toThrow(RangeError);
    expect(() => spec.given([]).when({ add: 1 }).thenThrows()).toThrow(/refused/);
  });

  it('recognises a refusal by its class, its message or a predicate, and fails on another', () => {
    const refused = spec.given([]).when({ add: -1 });
    refused.thenThrows(RangeError);
    refused.thenThrows(/negative/);
    refused.thenThrows((error) => error instanceof RangeError);
    expect(() => refused.thenThrows(TypeError)).toThrow();
    expect(() => refused.thenThrows(/positive/)).toThrow();
  });

  it('checks every event a command produces with the specification’s own check', () => {
    const checked: Added[] = [];
    const checking = DeciderSpecification.for(counter, {
      checkEvent: (event) => {
        checked.push(event);
        if (event.data.by > 10) throw new Error(`too big: ${event.data.by}`);
      },
    });
    checking
      .given([])
      .when({ add: 2 })
      .then([added(2)]);
    expect(checked).toEqual([added(2)]);
    expect(() =>
      checking
        .given([])
        .when({ add: 11 })
        .then([added(11)]),
    ).toThrow(/too big/);
  });
});
