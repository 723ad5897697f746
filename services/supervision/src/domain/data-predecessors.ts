import type { InstanceView } from './instance-view';

/**
 * The instances of an application whose data a new request should inherit: those that failed
 * (their host died or stayed partitioned, or the application itself failed: its replacement is a
 * new instance, maybe elsewhere, which must not start empty unsaid), never one stopped on purpose,
 * not yet inherited by an earlier request, the most recent failure first.
 */
export function dataPredecessors(
  instances: readonly InstanceView[],
  app: string,
  inherited: ReadonlySet<string>,
): InstanceView[] {
  return instances
    .filter((i) => i.app === app && i.state === 'failed' && !inherited.has(i.id))
    .sort((a, b) => Date.parse(b.since) - Date.parse(a.since));
}
