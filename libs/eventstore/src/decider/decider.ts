/** An event as a decider sees it: its type and data, without the log's bookkeeping. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

/**
 * A stream's behaviour as three pure functions (no I/O): the state before any event, how an event
 * changes the state, and which events a command produces in a state (throw to refuse the command).
 */
export interface Decider<State, Command, Event extends DomainEvent = DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event | Event[];
}

/** The state after every event, folded from the initial state. */
export function foldEvents<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, unknown, Event>, 'initialState' | 'evolve'>,
  events: Iterable<Event>,
): State {
  let state = decider.initialState();
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
