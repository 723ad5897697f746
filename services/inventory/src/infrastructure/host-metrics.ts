import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { scrapeQuery } from '@federa/eventstore';
import { Gauge, Histogram } from 'prom-client';
import type { Pool } from 'pg';
import { publicHostState, type HostLifecycle } from '../domain/host-decider';
import type { Liveness } from '../domain/host-events';
import { PG_POOL } from './inventory-tokens';

/** Hosts of one site in one liveness and lifecycle, as the read model groups them. */
export interface HostGroup {
  site: string;
  liveness: Liveness;
  lifecycle: HostLifecycle;
  hosts: number;
}

/** Hosts per public state (as `GET /v1/hosts` shows it) and site. */
export function hostsByState(
  groups: readonly HostGroup[],
): { state: string; site: string; hosts: number }[] {
  const counts = new Map<string, { state: string; site: string; hosts: number }>();
  for (const group of groups) {
    const state = publicHostState(group);
    const key = `${state}\u0000${group.site}`;
    const count = counts.get(key) ?? { state, site: group.site, hosts: 0 };
    count.hosts += group.hosts;
    counts.set(key, count);
  }
  return [...counts.values()];
}

/** The databases whose hosts this process reports (one per inventory module it runs). */
const databases = new Set<Pool>();

export const hostsGauge = new Gauge({
  name: 'federa_hosts',
  help: 'Registered hosts by state (ready, suspect, down, draining, drained, retired) and site, from the hosts read model at scrape time',
  labelNames: ['state', 'site'] as const,
  async collect() {
    this.reset();
    const [pool] = databases;
    if (!pool) return;
    // A database that does not answer (in time) leaves the hosts out of this scrape, rather than failing it.
    const groups = (await readHostGroups(pool)) ?? [];
    for (const { state, site, hosts } of hostsByState(groups)) this.set({ state, site }, hosts);
  },
});

async function readHostGroups(pool: Pool): Promise<HostGroup[] | undefined> {
  const result = await scrapeQuery<{
    site: string;
    liveness: Liveness;
    lifecycle: HostLifecycle;
    hosts: string;
  }>(pool, {
    text: `SELECT site, liveness, lifecycle, count(*) AS hosts FROM inventory.hosts
           GROUP BY site, liveness, lifecycle`,
  });
  return result?.rows.map((r) => ({ ...r, hosts: Number(r.hosts) }));
}

export const hostDownDetection = new Histogram({
  name: 'federa_host_down_detection_seconds',
  help: "Time from a host's last heartbeat to its HostDown appended to the log, per host declared down",
  buckets: [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 300, 600],
});

/**
 * Records how long a host that was just declared down took to be found so. A host never heard
 * since it registered has no heartbeat to measure from, and is not recorded.
 */
export function recordHostDownDetection(lastHeartbeatAt: number | null, downAt: number): void {
  if (lastHeartbeatAt === null) return;
  hostDownDetection.observe(Math.max(0, downAt - lastHeartbeatAt) / 1000);
}

/** Reports this module's hosts (federa_hosts) for as long as the module runs. */
@Injectable()
export class HostMetricsReporter implements OnModuleInit, OnModuleDestroy {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  onModuleInit(): void {
    databases.add(this.pool);
  }

  onModuleDestroy(): void {
    databases.delete(this.pool);
  }
}
