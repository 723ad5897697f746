import { randomUUID } from 'node:crypto';
import { internalMetadata, streamIds, type DecisionMetadata } from '@federa/contracts';
import { handleCommand, StreamVersionConflict, type EventStore } from '@federa/eventstore';
import {
  decideInstance,
  initialInstanceLife,
  instanceDecider,
  InstanceCommandRefused,
  type InstanceCommand,
  type InstanceEvent,
  type InstanceLife,
} from '@federa/instance-lifecycle';
import type { KnownLife } from '../domain/supervision-view';

/** What a command did to an instance stream: the events appended (none when nothing applied) and the state after. */
export interface InstanceOutcome {
  events: InstanceEvent[];
  life: InstanceLife;
  /** Log position of the last event appended, when any was. */
  position?: number;
}

/** Where the writer finds an instance's folded state and version without reading the stream. */
export interface KnownLives {
  readonly lives: ReadonlyMap<string, KnownLife>;
}

/** Where a refusal is said (at debug: a refusal is an expected outcome of a race, not a fault). */
export interface RefusalLog {
  debug(message: string): void;
}

/**
 * The only way supervision appends to an `instance-<id>` stream: every command goes through the
 * instance decider at the stream's expected version. It first decides on the view's fold and version
 * (no read); when the view is behind (a version conflict, or behind this writer's own last append)
 * or its state refuses, it re-reads the stream and decides again. A refusal (the command no longer
 * applies: another writer won) answers undefined; the caller drops that decision.
 *
 * "Nothing to record" decided on the view is trusted without a read (heartbeats repeat every
 * instance's state every beat), except for an agent's report of a state other than the view's: the
 * view may be behind, and a report is a fact that must not be lost.
 */
export class InstanceWriter {
  /** The stream version of this writer's last append per instance, until the view has it. */
  private readonly ahead = new Map<string, number>();

  constructor(
    private readonly store: EventStore,
    private readonly known: KnownLives,
    private readonly log: RefusalLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** `cause`: who and why (docs/security/audit.md); @default a decision of supervision's own. */
  async decide(
    instance: string,
    command: InstanceCommand,
    cause: DecisionMetadata = internalMetadata('supervision', randomUUID()),
  ): Promise<InstanceOutcome | undefined> {
    const stream = streamIds.instance(instance);
    const metadata = { ...cause, occurredAt: new Date(this.now()).toISOString() };
    const known = this.current(instance, command);
    if (known) {
      let events: InstanceEvent[] | undefined;
      try {
        events = decideInstance(command, known.life);
      } catch (error) {
        if (!(error instanceof InstanceCommandRefused)) throw error;
      }
      const unsure = command.type === 'observe' && command.state !== known.life.status;
      if (events?.length === 0 && !unsure) return { events, life: known.life };
      if (events?.length) {
        try {
          const appended = await this.store.append(
            stream,
            known.version === 0 ? 'no-stream' : known.version,
            events.map((e) => ({ type: e.type, data: e.data, metadata })),
          );
          this.wrote(instance, appended.nextExpectedVersion);
          return { events, life: fold(known.life, events), position: appended.lastPosition };
        } catch (error) {
          if (!(error instanceof StreamVersionConflict)) throw error;
        }
      }
    }
    try {
      const result = await handleCommand(this.store, stream, instanceDecider, command, {
        metadata,
      });
      if (result.appended) this.wrote(instance, result.appended.nextExpectedVersion);
      return {
        events: result.newEvents,
        life: result.newState,
        ...(result.appended ? { position: result.appended.lastPosition } : {}),
      };
    } catch (error) {
      if (!(error instanceof InstanceCommandRefused)) throw error;
      this.log.debug(`${command.type} ${instance} re-decided, no longer applies: ${error.message}`);
      return undefined;
    }
  }

  /** The view's fold of the instance, unless this writer knows it to be behind. */
  private current(instance: string, command: InstanceCommand): KnownLife | undefined {
    const known =
      this.known.lives.get(instance) ??
      (command.type === 'request' ? { life: initialInstanceLife(), version: 0 } : undefined);
    const mine = this.ahead.get(instance);
    if (mine === undefined || !known) return known;
    if (known.version < mine) return undefined;
    this.ahead.delete(instance);
    return known;
  }

  private wrote(instance: string, version: number): void {
    this.ahead.set(instance, Math.max(version, this.ahead.get(instance) ?? 0));
  }
}

function fold(life: InstanceLife, events: readonly InstanceEvent[]): InstanceLife {
  return events.reduce((state, event) => instanceDecider.evolve(state, event), life);
}
