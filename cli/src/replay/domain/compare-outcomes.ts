import type { Outcome } from './outcome';

/** One thing the replay's outcome does not share with the recording's. */
export interface Difference {
  kind: 'host' | 'service' | 'instances' | 'capacity' | 'step';
  /** The host, the service, `<service>/<app>`, or a step and its recorded position. */
  subject: string;
  recorded: string;
  replayed: string;
}

/** What a host holds and has, as GET /v1/hosts answers it. */
export interface HostAllocation {
  id: string;
  capacity: Record<string, number>;
  allocated: Record<string, number>;
}

const absent = '(none)';

/**
 * Every difference between the recorded and the replayed outcome: host states, service states, and
 * per service and application the instances in each state; sorted by kind then subject.
 */
export function compareOutcomes(recorded: Outcome, replayed: Outcome): Difference[] {
  const differences: Difference[] = [];
  const compareMaps = (
    kind: Difference['kind'],
    a: Record<string, string>,
    b: Record<string, string>,
  ) => {
    for (const subject of unionKeys(a, b)) {
      if (a[subject] !== b[subject])
        differences.push({
          kind,
          subject,
          recorded: a[subject] ?? absent,
          replayed: b[subject] ?? absent,
        });
    }
  };
  compareMaps('host', recorded.hosts, replayed.hosts);
  compareMaps('service', recorded.services, replayed.services);
  const counts = (outcome: Outcome) =>
    Object.fromEntries(
      Object.entries(outcome.instances).map(([key, byState]) => [key, countsText(byState)]),
    );
  compareMaps('instances', counts(recorded), counts(replayed));
  return differences;
}

/** `healthy 2, stopped 1`: the non-zero counts in state order. */
export function countsText(byState: Record<string, number>): string {
  return Object.keys(byState)
    .filter((state) => byState[state] > 0)
    .sort()
    .map((state) => `${state} ${byState[state]}`)
    .join(', ');
}

/** Every host whose allocation exceeds its capacity in some resource, each as a difference. */
export function allocationsOverCapacity(hosts: HostAllocation[]): Difference[] {
  const differences: Difference[] = [];
  for (const host of hosts) {
    const over = Object.keys(host.allocated)
      .filter((resource) => (host.allocated[resource] ?? 0) > (host.capacity[resource] ?? 0))
      .sort();
    if (over.length > 0)
      differences.push({
        kind: 'capacity',
        subject: host.id,
        recorded: 'allocation within capacity',
        replayed: over
          .map((r) => `${r} ${host.allocated[r]} allocated of ${host.capacity[r] ?? 0}`)
          .join(', '),
      });
  }
  return differences;
}

/**
 * A step the recording shows done (a command it accepted, a fault that happened) that the target
 * refused or the replay could not drive.
 */
export function refusedStepDifference(step: string, position: number, reason: string): Difference {
  return {
    kind: 'step',
    subject: `${step} (recorded at position ${position})`,
    recorded: 'accepted',
    replayed: `refused: ${reason}`,
  };
}

/** One line per difference, for people. */
export function differenceLine(difference: Difference): string {
  return `${difference.kind} ${difference.subject}: recorded ${difference.recorded}, replayed ${difference.replayed}`;
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}
