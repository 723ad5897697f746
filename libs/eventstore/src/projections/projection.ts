import type { RecordedEvent } from '@federa/contracts';
import type { Queryable } from '../schema/queryable';

/**
 * A read model kept from the log. Its tables live in the owning service's schema; every call runs
 * inside the runner's transaction, together with the checkpoint move.
 */
export interface Projection {
  /** Checkpoint name in eventlog.checkpoints, unique per read model (`<service>.<model>`). */
  readonly name: string;
  /** Creates the read model's tables when missing (idempotent). */
  setup(db: Queryable): Promise<void>;
  /** Applies a page of events in log (checkpoint) order. */
  apply(db: Queryable, events: RecordedEvent[]): Promise<void>;
  /** Drops the read model's tables, for a rebuild. */
  drop(db: Queryable): Promise<void>;
}
