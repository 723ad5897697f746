import { failuresOf } from './application-failures';
import { isLive, type InstanceView } from './instance-view';

/** One application's health: healthy instances against its minimum, and why it falls short. */
export interface ApplicationHealth {
  name: string;
  /** How many instances should run now (replicas.min moved by autoscaling). */
  desired: number;
  min: number;
  healthy: number;
  reason?: string;
  /** It cannot recover by itself: the service is failed because of it. */
  failed?: boolean;
}

export interface ServiceHealth {
  state: 'available' | 'degraded' | 'failed';
  applications: ApplicationHealth[];
  /** The service probe's standing, when the service declares one. */
  probe?: ServiceProbeStanding;
}

/**
 * Where the service's end-to-end probe (spec.serviceProbe) stands: its last result (`pending`: none
 * yet), since when, and why it failed.
 */
export interface ServiceProbeStanding {
  application: string;
  result: 'passed' | 'failed' | 'pending';
  at?: string;
  reason?: string;
}

export interface ApplicationTarget {
  name: string;
  min: number;
  desired: number;
}

/** Consecutive failures after which an application short of healthy instances counts as failed. */
export const failedAfterFailures = 3;

/**
 * A service is available only when every application has at least `min` healthy instances and its
 * service probe, if it declares one, last passed (else it is degraded, and the probe's application
 * says `service probe failed: <why>`); an
 * application that cannot recover by itself (stranded on a down host, or failing again and again)
 * makes it failed; anything else short of min makes it degraded. Each short application says why.
 */
export function assessServiceHealth(
  targets: readonly ApplicationTarget[],
  instances: readonly InstanceView[],
  probe?: ServiceProbeStanding,
): ServiceHealth {
  let state: ServiceHealth['state'] = 'available';
  const applications = targets.map((target): ApplicationHealth => {
    const mine = instances.filter((i) => i.app === target.name);
    // A stranded instance was last seen healthy, but its host is down: it serves nobody.
    const healthy = mine.filter(
      (i) => (i.state === 'healthy' || i.servingWhileMoving === true) && !i.stranded,
    ).length;
    const base = { name: target.name, desired: target.desired, min: target.min, healthy };
    if (healthy >= target.min) return base;
    const stranded = mine.filter(
      (i) => i.stranded && isLive(i) && !i.partitioned && !i.awaitingReport,
    );
    const cutOff = mine.filter((i) => i.partitioned && isLive(i));
    // Its host is back: the agent's next heartbeats settle it, so it is not failed for now.
    const awaiting = mine.filter((i) => i.awaitingReport && isLive(i));
    const failures = failuresOf(mine);
    if (stranded.length > 0) {
      state = 'failed';
      const where = stranded.map((i) => `${i.id} on ${i.host ?? '?'}`).join(', ');
      return { ...base, failed: true, reason: `host down and not relocatable: ${where}` };
    }
    if (failures.consecutive >= failedAfterFailures) {
      state = 'failed';
      return {
        ...base,
        failed: true,
        reason: `${failures.consecutive} failures in a row, last: ${failures.lastReason ?? 'unknown'}`,
      };
    }
    if (state === 'available') state = 'degraded';
    if (cutOff.length > 0) return { ...base, reason: partitionedReason(target.name, cutOff) };
    if (awaiting.length > 0) return { ...base, reason: awaitingReason(target.name, awaiting) };
    return { ...base, reason: shortfall(mine, healthy, target.min, failures.lastReason) };
  });
  if (!probe) return { state, applications };
  if (probe.result === 'passed') return { state, applications, probe };
  // An application short of instances keeps its own reason: the probe failing then says less.
  const withProbe = applications.map((a) =>
    a.name === probe.application && a.reason === undefined
      ? { ...a, reason: probeReason(probe) }
      : a,
  );
  return { state: state === 'available' ? 'degraded' : state, applications: withProbe, probe };
}

function probeReason(probe: ServiceProbeStanding): string {
  return probe.result === 'failed'
    ? `service probe failed: ${probe.reason ?? 'unknown'}`
    : 'service probe has not passed yet';
}

function shortfall(
  mine: readonly InstanceView[],
  healthy: number,
  min: number,
  lastFailure?: string,
): string {
  const unhealthy = mine.filter((i) => i.state === 'unhealthy').length;
  const coming = mine.filter(
    (i) => isLive(i) && i.state !== 'healthy' && i.state !== 'unhealthy',
  ).length;
  const parts = [`${healthy} of ${min} healthy`];
  if (unhealthy > 0) parts.push(`${unhealthy} unhealthy`);
  if (coming > 0) parts.push(`${coming} starting`);
  if (lastFailure) parts.push(`last failure: ${lastFailure}`);
  return parts.join(', ');
}

/** `catalog-db: 1 instance on host h2, back up, awaiting its agent's report`, one clause per host. */
function awaitingReason(app: string, awaiting: readonly InstanceView[]): string {
  const byHost = new Map<string, number>();
  for (const i of awaiting) byHost.set(i.host ?? '?', (byHost.get(i.host ?? '?') ?? 0) + 1);
  const clauses = [...byHost].map(
    ([host, n]) =>
      `${n === 1 ? '1 instance' : `${n} instances`} on host ${host}, back up, awaiting its agent's report`,
  );
  return `${app}: ${clauses.join('; ')}`;
}

/** `catalog-db: 1 instance on partitioned host h2, not replaced (has data)`, one clause per host. */
function partitionedReason(app: string, cutOff: readonly InstanceView[]): string {
  const byHost = new Map<string, InstanceView[]>();
  for (const i of cutOff) byHost.set(i.host ?? '?', [...(byHost.get(i.host ?? '?') ?? []), i]);
  const clauses = [...byHost].map(([host, here]) => {
    const count = here.length === 1 ? '1 instance' : `${here.length} instances`;
    const standing = here[0].partitioned;
    const why =
      standing === 'past grace'
        ? 'being replaced'
        : standing === 'within grace'
          ? 'not replaced yet'
          : 'not replaced';
    return `${count} on partitioned host ${host}, ${why} (${here[0].partitioned})`;
  });
  return `${app}: ${clauses.join('; ')}`;
}
