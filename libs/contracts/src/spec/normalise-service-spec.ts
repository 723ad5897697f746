import { toBandwidthBps } from '../quantities/bandwidth';
import { toBytes } from '../quantities/bytes';
import { toCpuMillis } from '../quantities/cpu';
import type { ApplicationSpec } from './application-spec';
import { dependencyOrder } from './dependency-graph';
import type { HealthSpec } from './health-spec';
import {
  SpecDefaults,
  type NormalisedApplication,
  type NormalisedHealth,
  type NormalisedRule,
  type NormalisedServiceProbe,
  type NormalisedServiceSpec,
} from './normalised-service-spec';
import type { RuleSpec } from './rule-spec';
import type { ServiceProbeSpec } from './service-probe-spec';
import type { ServiceSpec } from './service-spec';

/**
 * Turns a spec that passed validateServiceSpec into numbers with every default filled.
 * Throws (QuantityError, dependency cycle) on a spec that did not pass.
 */
export function normaliseServiceSpec(spec: ServiceSpec): NormalisedServiceSpec {
  const applications = spec.spec.applications.map(normaliseApplication);
  return {
    name: spec.metadata.name,
    applications,
    rules: (spec.spec.rules ?? []).map(normaliseRule),
    budget: { maxCostPerHour: spec.spec.budget?.maxCostPerHour ?? null },
    startOrder: dependencyOrder(applications),
    serviceProbe: normaliseServiceProbe(spec.spec.serviceProbe),
  };
}

function normaliseServiceProbe(probe: ServiceProbeSpec | undefined): NormalisedServiceProbe | null {
  if (!probe) return null;
  const defaults = SpecDefaults.serviceProbe;
  return {
    application: probe.application,
    path: probe.http.path,
    intervalMs: probe.intervalMs ?? defaults.intervalMs,
    timeoutMs: probe.timeoutMs ?? defaults.timeoutMs,
    failureThreshold: probe.failureThreshold ?? defaults.failureThreshold,
  };
}

function normaliseApplication(app: ApplicationSpec): NormalisedApplication {
  const { resources, placement, scaling, data } = app;
  return {
    name: app.name,
    layer: app.layer,
    artifact: { ...(app.artifact ?? {}) },
    resources: {
      cpuMillis: toCpuMillis(resources.cpu),
      memoryBytes: toBytes(resources.memory),
      storageBytes: resources.storage == null ? 0 : toBytes(resources.storage),
      bandwidthBps: resources.bandwidth == null ? 0 : toBandwidthBps(resources.bandwidth),
    },
    replicas: app.replicas
      ? { min: app.replicas.min, max: app.replicas.max }
      : { ...SpecDefaults.replicas },
    dependsOn: [...(app.dependsOn ?? [])],
    health: normaliseHealth(app.health),
    scaling: scaling
      ? {
          metric: scaling.metric,
          scaleOutAbove: scaling.scaleOutAbove,
          scaleInBelow: scaling.scaleInBelow,
          cooldownMs: scaling.cooldownMs ?? SpecDefaults.scalingCooldownMs,
        }
      : null,
    placement: {
      emphasis: placement?.emphasis ?? null,
      minSecurityLevel: placement?.minSecurityLevel ?? SpecDefaults.minSecurityLevel,
      sites: placement?.sites ? [...placement.sites] : null,
      relocatable: placement?.relocatable ?? SpecDefaults.relocatable,
    },
    data: data
      ? {
          path: data.path,
          sizeBytes: data.sizeHint == null ? null : toBytes(data.sizeHint),
          ...(data.backupEveryMs === undefined ? {} : { backupEveryMs: data.backupEveryMs }),
        }
      : null,
  };
}

function normaliseHealth(health: HealthSpec | undefined): NormalisedHealth {
  const probe: NormalisedHealth['probe'] = health?.http
    ? {
        kind: 'http',
        path: health.http.path,
        ...(health.http.port ? { port: health.http.port } : {}),
      }
    : health?.tcp
      ? { kind: 'tcp', ...(health.tcp.port ? { port: health.tcp.port } : {}) }
      : { kind: 'none' };
  return {
    probe,
    intervalMs: health?.intervalMs ?? SpecDefaults.healthIntervalMs,
    failureThreshold: health?.failureThreshold ?? SpecDefaults.healthFailureThreshold,
  };
}

function normaliseRule(rule: RuleSpec): NormalisedRule {
  if (rule.spread) return { kind: 'spread', over: rule.spread.over, apps: [...rule.spread.apps] };
  return { kind: 'antiAffinity', apps: [...(rule.antiAffinity ?? [])] };
}
