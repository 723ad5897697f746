import type { Decider, DomainEvent } from '@federa/eventstore';

type Refusal = (new (...args: never[]) => Error) | RegExp | ((error: unknown) => boolean);

/** After a command was accepted: the state the new events lead to, for what the events cannot show. */
export interface DecidedState<State> {
  /** Calls `check` with the state folded from the given history and the new events. */
  andState(check: (state: State) => void): void;
}

/** The `when` of a specification: what the command produced, or what it threw. */
export interface DeciderOutcome<State, Event> {
  /** The command produced exactly these events, in this order (asymmetric matchers allowed). */
  then(expected: Event[]): DecidedState<State>;
  /** The command was accepted and produced no event (already done, or nothing to record). */
  thenNothing(): DecidedState<State>;
  /** The command was refused: an error of this class, a message matching this pattern, or one the predicate accepts. */
  thenThrows(refusal?: Refusal): void;
}

export interface DeciderSpecificationOptions<Event> {
  /**
   * Called with every event any command of the specification produces, before it is compared: a check
   * that holds for all of them (its data passes the contracts registry, say), stated once.
   */
  checkEvent?: (event: Event) => void;
}

/**
 * Given/when/then for deciders (after Emmett's DeciderSpecification): the state is folded from the
 * given events with the decider's own evolve, so a spec states history and outcome in events only.
 *
 *   const spec = DeciderSpecification.for(hostDecider);
 *   spec.given([registered]).when({ type: 'cordon' }).then([cordoned]);
 *   spec.given([registered]).when({ type: 'cordon' }).then([cordoned]).andState((s) => ...);
 */
export class DeciderSpecification<State, Command, Event extends DomainEvent> {
  private constructor(
    private readonly decider: Decider<State, Command, Event>,
    private readonly options: DeciderSpecificationOptions<Event>,
  ) {}

  static for<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    options: DeciderSpecificationOptions<Event> = {},
  ): DeciderSpecification<State, Command, Event> {
    return new DeciderSpecification(decider, options);
  }

  given(history: Event[]): { when(command: Command): DeciderOutcome<State, Event> } {
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
        // Checked only once the command was accepted: a failed check is never taken for a refusal.
        const accepted = (events: Event[], expected: Event[]): DecidedState<State> => {
          for (const event of events) this.options.checkEvent?.(event);
          expect(events).toEqual(expected);
          return {
            andState: (check) => check(events.reduce((s, e) => this.decider.evolve(s, e), state)),
          };
        };
        return {
          then: (expected) => accepted(run(), expected),
          thenNothing: () => accepted(run(), []),
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
