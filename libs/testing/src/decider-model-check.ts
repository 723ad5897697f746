import type { Decider, DomainEvent } from '@federa/eventstore';

/** What the model says a command does: it is refused, or the model after it (unchanged: nothing new). */
export type ModelOutcome<Model> = { refused: true } | { refused: false; model: Model };

/**
 * A plain state machine written apart from a decider, in its own terms: what each command should do.
 * A model-based test runs one sequence of commands through both and compares them after every step.
 */
export interface DeciderModel<Model, State, Command, Event extends DomainEvent> {
  initial(): Model;
  next(model: Model, command: Command): ModelOutcome<Model>;
  /** The part of the decider's state the model predicts, in the model's shape. */
  view(state: State): Model;
  /** The error the decider throws to refuse a command (anything else is a bug). */
  isRefusal(error: unknown): boolean;
  /** A state no command may change any more: once there, every command emits nothing or is refused. */
  terminal?(model: Model): boolean;
  /** What must hold of the decider's state, and of the events of one step, whatever the commands. */
  invariants?(state: State, events: readonly Event[], before: State): void;
}

/** One step as the decider took it, for a failure's message. */
interface StepRecord<Command> {
  step: number;
  command: Command;
  outcome: string;
}

/**
 * Runs `commands` through the decider and the model, a stream of one, and after every step checks:
 * a refused command is one the model refuses, and it emits nothing and changes nothing (nor mutates
 * the state or the command); an accepted command's events, folded, give the model's state; the
 * stream's version grows by the number of events, and folding the whole stream from the start gives
 * the state reached step by step; the same command decided again at once emits nothing (a retry);
 * a terminal state emits nothing; the model's own invariants hold. Throws at the first difference.
 */
export function checkDeciderAgainstModel<Model, State, Command, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
  model: DeciderModel<Model, State, Command, Event>,
  commands: readonly Command[],
): void {
  let state = decider.initialState();
  let expected = model.initial();
  const stream: Event[] = [];
  const history: StepRecord<Command>[] = [];
  const fail = (why: string): never => {
    throw new Error(`${why}\nafter the steps:\n${JSON.stringify(history, null, 1)}`);
  };
  const decide = (command: Command, on: State): Event[] | { refusal: unknown } => {
    try {
      return [decider.decide(command, on)].flat() as Event[];
    } catch (error) {
      if (model.isRefusal(error)) return { refusal: error };
      throw error;
    }
  };

  commands.forEach((command, step) => {
    const stateBefore = structuredClone(state);
    const commandBefore = structuredClone(command);
    const versionBefore = stream.length;
    const wasTerminal = model.terminal?.(expected) ?? false;
    const predicted = model.next(expected, command);
    const decided = decide(command, state);
    history.push({
      step,
      command,
      outcome: Array.isArray(decided)
        ? `[${decided.map((e) => e.type).join(', ')}]`
        : `refused: ${String((decided.refusal as Error).message)}`,
    });
    expect({ step, state }).toEqual({ step, state: stateBefore });
    expect({ step, command }).toEqual({ step, command: commandBefore });

    if (!Array.isArray(decided)) {
      if (!predicted.refused) fail(`step ${step}: the decider refused what the model accepts`);
      expect({ step, version: stream.length }).toEqual({ step, version: versionBefore });
      return;
    }
    if (predicted.refused) fail(`step ${step}: the decider accepted what the model refuses`);
    if (wasTerminal && decided.length > 0) fail(`step ${step}: a terminal state emitted events`);

    const after = decided.reduce((s, e) => decider.evolve(s, e), state);
    stream.push(...decided);
    expect({ step, version: stream.length }).toEqual({
      step,
      version: versionBefore + decided.length,
    });
    if (!predicted.refused) {
      expect({ step, state: model.view(after) }).toEqual({ step, state: predicted.model });
    }
    const folded = stream.reduce((s, e) => decider.evolve(s, e), decider.initialState());
    expect({ step, folded }).toEqual({ step, folded: after });

    model.invariants?.(after, decided, state);
    const retried = decide(command, after);
    if (Array.isArray(retried) && retried.length > 0) {
      fail(
        `step ${step}: the same command again emitted [${retried.map((e) => e.type).join(', ')}]`,
      );
    }
    state = after;
    if (!predicted.refused) expected = predicted.model;
  });
}
