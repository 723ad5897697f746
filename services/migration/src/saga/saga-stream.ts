import {
  causedMetadata,
  internalMetadata,
  streamIds,
  type DecisionMetadata,
} from '@federa/contracts';
import { StreamVersionConflict, type EventStore } from '@federa/eventstore';
import {
  migrationDecider,
  type MigrationCommand,
  type MigrationSagaState,
} from '../domain/migration-saga';
import { SagaTakenOver } from './saga-ownership';

/**
 * One runner's hold on a `migration-<id>` stream: the state it read and the version it is at. Each
 * command is decided on that state and appended at that version, never re-read and re-decided: an
 * append that finds the stream moved means another runner acts on the saga, and this one stops
 * (SagaTakenOver) instead of acting on what it did not see.
 */
export class SagaStream {
  private constructor(
    private readonly store: EventStore,
    readonly migration: string,
    private current: MigrationSagaState,
    private version: number,
    /**
     * Who and why of every event this runner appends: whoever started the migration (its first
     * event's actor and role, caused by it), decided by `actor` (docs/security/audit.md).
     */
    readonly metadata: DecisionMetadata,
  ) {}

  static async open(store: EventStore, migration: string, actor: string): Promise<SagaStream> {
    const { events, version } = await store.readStream(streamIds.migration(migration));
    let state = migrationDecider.initialState();
    for (const event of events) {
      state = migrationDecider.evolve(
        state,
        event as Parameters<typeof migrationDecider.evolve>[1],
      );
    }
    const first = events[0];
    const metadata = first ? causedMetadata(first, actor) : internalMetadata(actor, migration);
    return new SagaStream(store, migration, state, version, metadata);
  }

  get state(): MigrationSagaState {
    return this.current;
  }

  /** Decides the command on the state this runner holds and appends at its version. */
  async decide(command: MigrationCommand): Promise<MigrationSagaState> {
    const events = migrationDecider.decide(command, this.current);
    const decided = Array.isArray(events) ? events : [events];
    if (decided.length === 0) return this.current;
    const occurredAt = new Date().toISOString();
    try {
      const appended = await this.store.append(
        streamIds.migration(this.migration),
        this.version === 0 ? 'no-stream' : this.version,
        decided.map((e) => ({
          type: e.type,
          data: e.data,
          metadata: { ...this.metadata, occurredAt },
        })),
      );
      this.version = appended.nextExpectedVersion;
    } catch (error) {
      if (error instanceof StreamVersionConflict) {
        throw new SagaTakenOver(this.migration, `its stream moved past version ${this.version}`);
      }
      throw error;
    }
    this.current = decided.reduce((s, e) => migrationDecider.evolve(s, e), this.current);
    return this.current;
  }
}
