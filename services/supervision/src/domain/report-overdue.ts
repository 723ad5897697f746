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
 * True when a lost instance's agent has had its chance to speak of it and did not: its host is up
 * again, and has been for `reportDueHeartbeats` heartbeats and at least the partition grace since
 * both its return and the moment supervision began to listen. Such an instance is gone (its host
 * rebooted, its agent lost its state): it is failed, its host to blame, and replaced, where waiting
 * would leave it lost forever and its service degraded (a stateful one never replaced). A report
 * of it that came in time has already made it running again, so this never fires for it.
 */
export function agentCameBackWithout(
  instance: Pick<InstanceView, 'state'>,
  host: Pick<HostView, 'down' | 'upAt'> | undefined,
  now: number,
  window: ReportWindow,
): boolean {
  if (instance.state !== 'lost' || !host || host.down || host.upAt === undefined) return false;
  const since = Math.max(host.upAt, window.listeningSince);
  const due = Math.max(reportDueHeartbeats * window.heartbeatMs, window.partitionGraceMs);
  return now - since >= due;
}
