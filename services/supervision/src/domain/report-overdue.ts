import type { InstanceView } from './instance-view';
import type { HostView } from './supervision-view';

/**
 * How many of its heartbeats a host's agent is given, once the host is back, to speak of a lost
 * instance: its first heartbeats list every instance it holds (it reconciled against the log
 * before running anything), and a few more cover a beat lost on a bus that has just come back.
 */
export const reportDueHeartbeats = 5;

/** The reason a lost instance fails with when its host came back without it. */
export const cameBackWithoutReason = 'its agent came back without it';

/** What the rule reads besides the instance and its host. */
export interface ReportWindow {
  /** The agents' heartbeat interval (FEDERA_HEARTBEAT_MS). */
  heartbeatMs: number;
  /** FEDERA_PARTITION_GRACE_MS: the shortest wait, whatever the heartbeat. */
  partitionGraceMs: number;
  /** Since when supervision has been listening to agents (ms): words said before went unheard. */
  listeningSince: number;
}

/**
 * How many report windows a lost instance is held, at most, after its host's return, however long
 * its agent goes on speaking of it in a state the log has no event for.
 */
export const lostHoldWindows = 2;

/**
 * True when a lost instance's agent has had its chance to speak of it and did not: its host is up
 * again, and has been for `reportDueHeartbeats` heartbeats and at least the partition grace (the
 * window, `due`) since both its return and the moment supervision began to listen. Such an
 * instance is gone (its host rebooted, its agent lost its state): it is failed, its host to blame,
 * and replaced, where waiting would leave it lost forever and its service degraded (a stateful one
 * never replaced). A report of it that came in time has already brought it back (running,
 * starting, stopping), so this never fires for it.
 *
 * A word in a state the log has no event for (migrating, paused, a stop it never asked) holds the
 * rule off for one more window counted from the FIRST such word since the return (`heardAt`), and
 * never past `lostHoldWindows` windows after the return: such states stay fixed in a restarted
 * agent and every heartbeat repeats them, so a wait restarted at each word would never end. Past
 * the hold the instance fails as before; the copy its agent still holds is then fenced
 * (judgeObservation), so that it never runs beside its replacement.
 */
export function agentCameBackWithout(
  instance: Pick<InstanceView, 'state'>,
  host: Pick<HostView, 'down' | 'upAt'> | undefined,
  now: number,
  window: ReportWindow,
  heardAt?: number,
): boolean {
  if (instance.state !== 'lost' || !host || host.down || host.upAt === undefined) return false;
  const back = Math.max(host.upAt, window.listeningSince);
  const due = Math.max(reportDueHeartbeats * window.heartbeatMs, window.partitionGraceMs);
  if (now - back >= lostHoldWindows * due) return true;
  return now - Math.max(back, heardAt ?? 0) >= due;
}

/** One instance as a returning agent's message names it. */
export interface AgentWord {
  host: string;
  state: string;
  /** The epoch of the agent run that said it. */
  epoch: number;
}

/**
 * True when `word` is the agent of a lost instance's host saying it holds it, in any state but an
 * end (a report of its end is recorded as such): the agent's current run (the epoch the log gave its
 * return; a run the log gave up on, or a word buffered from before, says nothing), on the host the
 * instance was lost on, that host up again.
 */
export function speaksOfLost(
  word: AgentWord,
  instance: Pick<InstanceView, 'state' | 'host'> | undefined,
  host: Pick<HostView, 'down' | 'epoch'> | undefined,
): boolean {
  if (instance?.state !== 'lost' || instance.host !== word.host) return false;
  if (!host || host.down || word.epoch < host.epoch) return false;
  return word.state !== 'stopped' && word.state !== 'failed';
}
