import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ServiceStates, type InstanceState } from '@federa/contracts';
import { Gauge } from 'prom-client';
import type { InstanceView } from '../domain/instance-view';
import type { ServiceState } from '../domain/service-decider';
import { SupervisionView } from '../domain/supervision-view';

/**
 * Ended instances are not counted: the view keeps every instance that ever stopped or failed, and
 * their counts would only grow (a service's failures show in federa_services, state failed or degraded).
 */
const endedStates: ReadonlySet<InstanceState> = new Set(['stopped', 'failed']);

export interface InstanceCount {
  state: string;
  service: string;
  application: string;
  instances: number;
}

/** Instances not ended, by state, service and application. */
export function instancesByState(instances: Iterable<InstanceView>): InstanceCount[] {
  const counts = new Map<string, InstanceCount>();
  for (const instance of instances) {
    if (endedStates.has(instance.state)) continue;
    const key = [instance.state, instance.service, instance.app].join('\u0000');
    const count = counts.get(key) ?? {
      state: instance.state,
      service: instance.service,
      application: instance.app,
      instances: 0,
    };
    count.instances++;
    counts.set(key, count);
  }
  return [...counts.values()];
}

/** Services by state, every state present (0 when none): a deleted one is no longer a service. */
export function servicesByState(
  services: Iterable<Pick<ServiceState, 'status'>>,
): Map<string, number> {
  const counts = new Map<string, number>(ServiceStates.map((state) => [state, 0]));
  for (const { status } of services) {
    if (status === 'absent' || status === 'deleted') continue;
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  return counts;
}

/** The views of the supervision modules this process runs (one in a service process). */
const views = new Set<SupervisionView>();

export const instancesGauge = new Gauge({
  name: 'federa_instances',
  help: "Instances not ended (stopped and failed ones are left out), by state, service and application, from supervision's view of the log at scrape time",
  labelNames: ['state', 'service', 'application'] as const,
  collect() {
    this.reset();
    const [view] = views;
    if (!view) return;
    for (const { instances, ...labels } of instancesByState(view.instances.values()))
      this.set(labels, instances);
  },
});

export const servicesGauge = new Gauge({
  name: 'federa_services',
  help: "Services by state (defined, deploying, available, degraded, stopping, stopped, failed), from supervision's view of the log at scrape time",
  labelNames: ['state'] as const,
  collect() {
    this.reset();
    const [view] = views;
    if (!view) return;
    for (const [state, services] of servicesByState(view.services.values()))
      this.set({ state }, services);
  },
});

/** Reports this module's view (federa_instances, federa_services) for as long as the module runs. */
@Injectable()
export class SupervisionMetricsReporter implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly view: SupervisionView) {}

  onModuleInit(): void {
    views.add(this.view);
  }

  onModuleDestroy(): void {
    views.delete(this.view);
  }
}
