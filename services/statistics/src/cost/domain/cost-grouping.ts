/** What costs are summed by; an application is named `service/application`. */
export const costGroupings = ['service', 'application', 'host', 'site', 'instance'] as const;
export type CostGroupingKind = (typeof costGroupings)[number];

/** Where an instance belongs: enough to find its group under every grouping. */
export interface InstanceOwner {
  instance: string;
  service: string;
  application: string;
}

/** The key of an instance's group (for host and site the caller keys by the host it ran on). */
export function ownerKey(
  owner: InstanceOwner,
  groupBy: 'service' | 'application' | 'instance',
): string {
  switch (groupBy) {
    case 'service':
      return owner.service;
    case 'application':
      return `${owner.service}/${owner.application}`;
    case 'instance':
      return owner.instance;
  }
}
