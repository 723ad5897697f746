import type { InstanceView } from './instance-view';

/**
 * The instances of an application whose data a new request should inherit: those that ended
 * because their host died or stayed partitioned (never because the application failed, nor a
 * stop), not yet inherited by an earlier request, the most recent failure first.
 */
export function dataPredecessors(
  instances: readonly InstanceView[],
  app: string,
  inherited: ReadonlySet<string>,
): InstanceView[] {
  return instances
    .filter(
      (i) =>
        i.app === app &&
        i.state === 'failed' &&
        (i.cause === 'host-down' || i.cause === 'host-partitioned') &&
        !inherited.has(i.id),
    )
    .sort((a, b) => Date.parse(b.since) - Date.parse(a.since));
}
