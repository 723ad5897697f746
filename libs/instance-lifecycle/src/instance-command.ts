import type {
  InstanceEndpoint,
  InstanceFailureCause,
  InstancePlacedData,
  InstanceRequestedData,
  InstanceStopReason,
  LayerKind,
  PlacementFailedData,
} from '@federa/contracts';

/**
 * What a writer of an instance's stream asks for; the decider answers the events to record. Every
 * writer (supervision, placement, migration) goes through it, so two decisions racing on one instance
 * are settled by the stream's expected version and a re-decision, never by the last append winning.
 */
export type InstanceCommand =
  /** Supervision wants one more instance (a new stream). */
  | { type: 'request'; data: InstanceRequestedData }
  /** Placement chose a host. */
  | { type: 'place'; data: InstancePlacedData }
  /** Placement found no host. */
  | { type: 'fail-placement'; data: PlacementFailedData }
  /** The start is about to be sent to the host's agent. */
  | { type: 'start'; host: string; layer: LayerKind }
  /**
   * An agent saw the instance in `state` (its report or heartbeat): a fact, never refused; answers
   * the event to record, or none when the log already says it or the report is stale. `endpoint`:
   * where the agent says it answers; one the log does not hold yet is recorded in an InstanceRunning.
   */
  | {
      type: 'observe';
      host: string;
      state: string;
      detail?: string;
      failureThreshold: number;
      endpoint?: InstanceEndpoint;
    }
  /** Stop it: at once when nothing runs yet, else through its agent. */
  | { type: 'request-stop'; reason: InstanceStopReason }
  /** It no longer runs (its agent said so, or its host is gone). */
  | { type: 'record-stopped'; reason: InstanceStopReason; exitCode?: number }
  /** It failed and is to be replaced; `cause` when its host, not its application, is to blame. */
  | {
      type: 'fail';
      reason: string;
      cause?: InstanceFailureCause;
      exitCode?: number;
      restarts: number;
    }
  /**
   * A lost instance whose host came back without a word of it fails, its host to blame. Refused
   * unless it is still lost on `host`: an agent's report recorded meanwhile (it runs after all) wins.
   */
  | { type: 'fail-lost'; host: string; reason: string }
  /**
   * Its host stopped answering; it is neither replaced nor known dead. An instance not yet known to
   * run (placed, starting) stays as it is: its start is sent again when the host is back.
   */
  | { type: 'mark-lost'; reason: string }
  /** A migration starts moving it. */
  | { type: 'begin-migration'; migration: string; to: string; servesWhileMoving?: boolean }
  /** The migration finished: it now runs on `host` (`verified`: seen healthy there first). */
  | { type: 'complete-migration'; migration: string; host: string; verified?: boolean }
  /** The migration was rolled back: it runs on its source again. */
  | { type: 'abort-migration'; migration: string; reason: string };
