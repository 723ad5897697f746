import type { InstanceLife } from '@federa/instance-lifecycle';

/** One instance as an agent says it holds it, with the epoch of the agent run that said it. */
export interface HeldInstance {
  host: string;
  instance: string;
  state: string;
  epoch: number;
}

/**
 * What supervision does with an agent's word about one instance:
 * - `adopt`: the log places it there; its observation is recorded (through the instance decider),
 *   whatever state it names: a lost instance's agent speaking of it, even paused, keeps it from
 *   being failed as gone (report-overdue);
 * - `fence`: the agent runs a copy the log does not want there: the agent is told to stop it;
 * - `ignore`: nothing to record nor to stop: a stale epoch, a host the log has declared down (its
 *   agent must register again first), a host the view does not know yet, a copy already ended;
 * - `read-log`: the view knows no such instance, or has not seen it placed; read its stream before
 *   deciding (the view may be behind).
 */
export type ObservationVerdict =
  | { kind: 'adopt' }
  | { kind: 'fence'; reason: string }
  | { kind: 'ignore'; why: 'stale-epoch' | 'host-down' | 'unknown-host' | 'not-held' }
  | { kind: 'read-log' };

/**
 * States in which an agent holds a copy that runs or is about to: what fencing stops. A paused copy
 * is one: resumed, it would run beside the instance's replacement. So is a stopping one: a stop may
 * never end (an agent restarted in the middle of it) and its process runs meanwhile; a fence is a
 * stop with a fresh id, and stopping a copy already stopping only ends it.
 */
const heldStates: ReadonlySet<string> = new Set([
  'starting',
  'running',
  'healthy',
  'unhealthy',
  'migrating',
  'paused',
  'stopping',
]);

/** What the log says about the instance, and how far it has been checked. */
export interface LogKnowledge {
  /** The instance's fold; undefined when the view has no stream of that id. */
  life: InstanceLife | undefined;
  /** The host's current epoch as the log says it (HostRegistered, HostRecovered); undefined if unknown. */
  hostEpoch: number | undefined;
  /** The log declared the host down (HostDown, HostRetired) and no registration followed yet. */
  hostDown?: boolean;
  /** True when `life` was read from the log itself just now, not from the view (which may be behind). */
  readFromLog?: boolean;
  /** Live instances of the same application elsewhere, named in an ended instance's fence reason. */
  replacements?: readonly string[];
}

/**
 * Judges one observation against the log. The log, not a timer, says which copy is the instance:
 * a copy held by an agent in a live state is adopted only where the log places the live instance;
 * anywhere else (the instance ended, moved, or never existed) it is fenced. A message from an epoch
 * older than the host's current one changes nothing: that agent run was superseded. Nor does one
 * from the epoch a host went down with: the log has settled its instances since (failed, lost), and
 * adopting the word of a run it gave up on would undo that until the next settling, back and forth;
 * the agent registers again and speaks under the new epoch. A host the view does not know has no
 * epoch to check against: its word waits until the view does.
 */
export function judgeObservation(held: HeldInstance, log: LogKnowledge): ObservationVerdict {
  if (log.hostEpoch === undefined) return { kind: 'ignore', why: 'unknown-host' };
  if (held.epoch < log.hostEpoch) return { kind: 'ignore', why: 'stale-epoch' };
  if (log.hostDown && held.epoch <= log.hostEpoch) return { kind: 'ignore', why: 'host-down' };
  const { life } = log;
  const holds = heldStates.has(held.state);
  if (!life || life.status === 'absent') {
    if (!holds) return { kind: 'ignore', why: 'not-held' };
    return log.readFromLog
      ? { kind: 'fence', reason: 'fenced: no such instance in the log' }
      : { kind: 'read-log' };
  }
  if (life.status === 'stopped' || life.status === 'failed') {
    if (!holds) return { kind: 'ignore', why: 'not-held' };
    const why = life.reason ? ` (${life.reason})` : '';
    const by = log.replacements?.length ? `, replaced by ${log.replacements.join(', ')}` : '';
    return { kind: 'fence', reason: `fenced: ${life.status} in the log${why}${by}` };
  }
  // Both ends of a live migration hold it while it moves: the migration decides, not fencing.
  if (
    life.status === 'migrating' &&
    (held.host === life.host || held.host === life.migration?.to)
  ) {
    return { kind: 'adopt' };
  }
  if (life.host === undefined) {
    if (!holds) return { kind: 'ignore', why: 'not-held' };
    // A view still catching up may hold the request without its placement: only the log may say.
    return log.readFromLog
      ? { kind: 'fence', reason: 'fenced: placed on no host in the log' }
      : { kind: 'read-log' };
  }
  if (life.host !== held.host) {
    if (!holds) return { kind: 'ignore', why: 'not-held' };
    // The view may not hold a move the log already has (a migration's InstanceMigrating appended just
    // before its target starts): only the log may say this copy is not the instance's.
    return log.readFromLog
      ? { kind: 'fence', reason: `fenced: placed on ${life.host}` }
      : { kind: 'read-log' };
  }
  return { kind: 'adopt' };
}
