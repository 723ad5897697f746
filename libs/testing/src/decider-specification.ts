import type { Decider, DomainEvent } from '@federa/eventstore';

type Refusal = (new (...args: never[]) => Error) | RegExp | ((error: unknown) => boolean);

/** The `when` of a specification: what the command produced, or what it threw. */
export interface DeciderOutcome<Event> {
  /** The command produced exactly these events, in this order. */
  then(expected: Event[]): void;
  /** The command was accepted and produced no event (already done, or nothing to record). */
  thenNothing(): void;
  /** The command was refused: an error of this class, a message matching this pattern, or one the predicate accepts. */
  thenThrows(refusal?: Refusal): void;
}

/**
 * Given/when/then for deciders (after Emmett's DeciderSpecification): the state is folded from the
 * given events with the decider's own evolve, so a spec states history and outcome in events only.
 *
 *   const spec = DeciderSpecification.for(hostDecider);
 *   spec.given([registered]).when({ type: 'cordon' }).then([cordoned]);
 */
export class DeciderSpecification<State, Command, Event extends DomainEvent> {
  private constructor(private readonly decider: Decider<State, Command, Event>) {}

  static for<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
  ): DeciderSpecification<State, Command, Event> {
    return new DeciderSpecification(decider);
  }

  given(history: Event[]): { when(command: Command): DeciderOutcome<Event> } {
    return {
      when: (command) => {
        const state = history.reduce(
          (s, e) => this.decider.evolve(s, e),
          this.decider.initialState(),
        );
        const run = (): Event[] => {
          const decided = this.decider.decide(command, state);
          return Array.isArray(decided) ? decided : [decided];
        };
        return {
          then: (expected) => expect(run()).toEqual(expected),
          thenNothing: () => expect(run()).toEqual([]),
          thenThrows: (refusal) => {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            if (thrown === undefined) throw new Error('expected the command to be refused');
            if (refusal === undefined) return;
            if (refusal instanceof RegExp)
              expect(String((thrown as Error).message)).toMatch(refusal);
            else if (refusal.prototype instanceof Error || refusal === Error)
              expect(thrown).toBeInstanceOf(refusal);
            else expect((refusal as (error: unknown) => boolean)(thrown)).toBe(true);
          },
        };
      },
    };
  }
}
