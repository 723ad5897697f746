/** What the instances panel needs of an instance to group it. */
export interface InstanceFacts {
  id: string;
  host: string | null;
  state: string;
  since: string;
}

/** How long a failed instance stays on the page, so that a failure is seen before it goes. */
export const failedShownMs = 15 * 60_000;
export const notPlaced = '(not placed)';

/**
 * Live instances and those that failed in the last quarter of an hour, grouped by host in host
 * order (instances without a host last), each instance once (the page asks for live and failed
 * ones apart, and an instance may fail between the two answers).
 */
export function instancesByHost<T extends InstanceFacts>(
  instances: T[],
  now: number,
): Array<[string, T[]]> {
  const seen = new Set<string>();
  const groups = new Map<string, T[]>();
  for (const instance of instances) {
    if (seen.has(instance.id) || instance.state === 'stopped') continue;
    if (instance.state === 'failed' && now - Date.parse(instance.since) > failedShownMs) continue;
    seen.add(instance.id);
    const host = instance.host ?? notPlaced;
    const group = groups.get(host) ?? [];
    group.push(instance);
    groups.set(host, group);
  }
  return [...groups.entries()].sort(([a], [b]) =>
    a === notPlaced ? 1 : b === notPlaced ? -1 : a.localeCompare(b),
  );
}
