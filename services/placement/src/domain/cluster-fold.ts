import {
  normaliseServiceSpec,
  type HostAllocationChangedData,
  type HostCapacityChangedData,
  type HostRecoveredData,
  type HostRegisteredData,
  type HostUncordonedData,
  type InstanceRelocatedData,
  type MigrationStartedData,
  type ServiceDefinedData,
} from '@federa/contracts';
import type { ClusterState } from './cluster-state';
import { costPerHour, defaultCostModel, type CostModel } from './cost-model';
import type { HostState } from './host-entry';
import { requestForApplication } from './request-for-application';
import { resourcesOf } from './resource-amounts';
import type { Resources } from './resources';
import type { ServiceCatalog } from './service-catalog';

/** The parts of a recorded event the fold reads. */
export interface FoldableEvent {
  type: string;
  streamId: string;
  streamVersion: number;
  position: number;
  data: unknown;
}

/** What the log tells placement: the inventory and allocations, and the services' specs. */
export interface ClusterModel {
  state: ClusterState;
  catalog: ServiceCatalog;
  costModel?: CostModel;
  /**
   * Host → its liveness (ready, suspect, down) while a drain's state stands in for it, so that an
   * uncordon ending the drain gives back the liveness the host has then, not `ready` blindly.
   */
  livenessUnderDrain?: Map<string, HostState>;
}

const stateAfter: Record<string, HostState> = {
  HostSuspected: 'suspect',
  HostDown: 'down',
  HostRecovered: 'ready',
  HostDrainStarted: 'draining',
  HostDrained: 'drained',
  HostRetired: 'retired',
};

/** A drain or a retirement outlasts a flap of heartbeats and a re-registration: liveness never ends it. */
const lifecycleStates: ReadonlySet<HostState> = new Set(['draining', 'drained', 'retired']);

/**
 * Applies one logged event (in log order) to the model; other events are ignored. Idempotent, and
 * an allocation event older (by log position) than an instance's current claim changes nothing, so
 * events read twice — from a stream after a conflict, then from the log — cannot move a claim back.
 */
export function foldClusterEvent(model: ClusterModel, event: FoldableEvent): void {
  const { state, catalog } = model;
  switch (event.type) {
    case 'HostRegistered': {
      const d = event.data as HostRegisteredData;
      const before = state.host(d.host)?.state;
      state.registerHost(
        {
          id: d.host,
          site: d.site,
          securityLevel: d.securityLevel,
          layers: d.layers,
          capacity: resourcesOf(d.capacity),
          costs: { ...d.costs },
          features: { ups: Boolean(d.features?.ups), raid: Boolean(d.features?.raid) },
        },
        before && lifecycleStates.has(before) ? before : 'ready',
      );
      state.setEpoch(d.host, d.epoch);
      model.livenessUnderDrain?.delete(d.host);
      return;
    }
    case 'HostRecovered': {
      const d = event.data as HostRecoveredData;
      if (!lifecycleStates.has(state.host(d.host)?.state ?? 'ready'))
        state.setState(d.host, 'ready');
      model.livenessUnderDrain?.delete(d.host);
      state.setEpoch(d.host, d.epoch);
      return;
    }
    case 'HostCapacityChanged': {
      const d = event.data as HostCapacityChangedData;
      state.setCapacity(d.host, resourcesOf(d.capacity));
      return;
    }
    case 'HostCordoned':
      state.setCordoned((event.data as { host: string }).host, true);
      return;
    case 'HostUncordoned': {
      const d = event.data as HostUncordonedData;
      state.setCordoned(d.host, false);
      if (d.drainEnded) endDrain(model, d.host);
      return;
    }
    case 'ServiceDefined':
    case 'ServiceUpdated':
    case 'ServiceCopied': {
      const d = event.data as ServiceDefinedData;
      catalog.define({ ...normaliseServiceSpec(d.spec), name: d.service });
      return;
    }
    case 'ServiceDeleted':
      catalog.remove((event.data as { service: string }).service);
      return;
    case 'HostAllocationChanged':
      foldAllocationChange(model, event, event.data as HostAllocationChangedData);
      return;
    case 'InstanceRelocated': {
      const d = event.data as InstanceRelocatedData;
      const claim = state.allocation(d.instance);
      if (claim && claim.host !== d.host && (claim.placedAt ?? 0) < event.position) {
        claimOn(model, d.host, d.service, d.app, d.instance, claim.resources, event.position);
      }
      // Its claim now stands where its room was held: counting both would count it twice.
      for (const key of state.reservationKeysOf(d.instance)) {
        const held = state.reservationBy(key);
        if (key === d.migration && held?.host === d.host) {
          state.unreserve(key);
        }
      }
      return;
    }
    case 'MigrationStarted':
      reserveTarget(model, event, event.data as MigrationStartedData);
      return;
    case 'MigrationCompleted':
    case 'MigrationFailed':
    case 'MigrationRolledBack':
      // Ended: the instance is only where its claim is (the target once relocated, else the source).
      // Only this migration's hold goes: another recorded for the instance keeps its own.
      state.unreserve((event.data as { migration: string }).migration);
      return;
    case 'InstanceStopped':
    case 'InstanceFailed': {
      const claim = state.allocation((event.data as { instance: string }).instance);
      if (claim && (claim.placedAt ?? 0) < event.position) state.release(claim.instance);
      return;
    }
  }
  const next = stateAfter[event.type];
  if (!next) return;
  const host = (event.data as { host: string }).host;
  const liveness = next === 'suspect' || next === 'down';
  const before = state.host(host)?.state ?? 'ready';
  if (liveness && lifecycleStates.has(before)) {
    (model.livenessUnderDrain ??= new Map()).set(host, next);
    return;
  }
  if (next === 'draining' && (before === 'suspect' || before === 'down')) {
    (model.livenessUnderDrain ??= new Map()).set(host, before);
  }
  state.setState(host, next);
}

/** A drain ended by an uncordon: the host is back to its liveness and takes placements if ready. */
function endDrain(model: ClusterModel, host: string): void {
  const current = model.state.host(host)?.state;
  if (current !== 'draining' && current !== 'drained') return;
  model.state.setState(host, model.livenessUnderDrain?.get(host) ?? 'ready');
  model.livenessUnderDrain?.delete(host);
}

function foldAllocationChange(
  model: ClusterModel,
  event: FoldableEvent,
  d: HostAllocationChangedData,
): void {
  const { state } = model;
  const host = state.host(d.host);
  if (!host) return;
  if ((host.allocationVersion ?? 0) < event.streamVersion)
    state.setAllocationVersion(d.host, event.streamVersion);
  const claim = state.allocation(d.instance);
  if (claim && (claim.placedAt ?? 0) >= event.position) return;
  if (d.change === 'released') {
    if (claim?.host === d.host) state.release(d.instance);
    return;
  }
  claimOn(model, d.host, d.service, d.app, d.instance, resourcesOf(d.resources), event.position);
}

/**
 * Holds the instance's room on the migration's target until the migration ends: the resources of
 * its claim on the source (the application's request when placement has no claim for it).
 */
function reserveTarget(model: ClusterModel, event: FoldableEvent, d: MigrationStartedData): void {
  const { state } = model;
  const host = state.host(d.to);
  if (!host || (state.reservationBy(d.migration)?.placedAt ?? 0) >= event.position) return;
  const spec = model.catalog.get(d.service);
  const rules = spec?.applications.some((a) => a.name === d.app)
    ? requestForApplication(spec, d.app, d.instance)
    : undefined;
  const resources = state.allocation(d.instance)?.resources ?? rules?.resources;
  if (!resources) return;
  state.reserve(
    {
      instance: d.instance,
      service: d.service,
      app: d.app,
      host: d.to,
      resources: { ...resources },
      costPerHour: costPerHour(resources, host, model.costModel ?? defaultCostModel),
      excludes: rules?.antiAffinity ?? [],
      relocatable: rules?.relocatable ?? true,
      placedAt: event.position,
    },
    d.migration,
  );
}

/** Records a claim learnt from the log; its rules come from the service's spec, when known. */
function claimOn(
  model: ClusterModel,
  hostId: string,
  service: string,
  app: string,
  instance: string,
  resources: Resources,
  position: number,
): void {
  const host = model.state.host(hostId);
  if (!host) return;
  const spec = model.catalog.get(service);
  const rules = spec?.applications.some((a) => a.name === app)
    ? requestForApplication(spec, app, instance)
    : undefined;
  model.state.allocate({
    instance,
    service,
    app,
    host: hostId,
    resources: { ...resources },
    costPerHour: costPerHour(resources, host, model.costModel ?? defaultCostModel),
    excludes: rules?.antiAffinity ?? [],
    relocatable: rules?.relocatable ?? true,
    placedAt: position,
  });
}
