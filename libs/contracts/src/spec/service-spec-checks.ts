import { parseBytes } from '../quantities/bytes';
import { parseCpu } from '../quantities/cpu';
import type { QuantityResult } from '../quantities/quantity-result';
import type { FieldError } from '../validation/field-error';
import { findDependencyCycles } from './dependency-graph';
import { SpecLimits } from './spec-limits';
import { isReservedWorkloadVariable } from './workload-variables';

type Plain = Record<string, unknown>;

/**
 * The rules class-validator cannot express, checked on a plain spec of any shape (wrong types are
 * skipped here; the class checks report them): unique names, min ≤ max, known and acyclic dependsOn,
 * rules naming known apps, scaleInBelow < scaleOutAbove, one probe, a command for `process`, cpu
 * and memory more than 0,
 * the applications' replicas.max within the limit of instances per service, a serviceProbe
 * naming an application that listens, and no `env` setting what the agent sets.
 */
export function checkServiceSpecRules(plain: unknown): FieldError[] {
  const body = objectAt(plain, 'spec');
  const apps = Array.isArray(body?.applications) ? body.applications : [];
  const errors: FieldError[] = [];
  const names = new Map<string, number>();

  apps.forEach((app, i) => {
    if (!isPlain(app)) return;
    const at = `spec.applications[${i}]`;
    if (typeof app.name === 'string') {
      const first = names.get(app.name);
      if (first === undefined) names.set(app.name, i);
      else
        errors.push({
          path: `${at}.name`,
          reason: `duplicate application name "${app.name}" (also spec.applications[${first}])`,
        });
    }
    errors.push(...checkApplication(app, at));
  });

  apps.forEach((app, i) => {
    if (!isPlain(app) || !Array.isArray(app.dependsOn)) return;
    app.dependsOn.forEach((dep, k) => {
      if (typeof dep === 'string' && !names.has(dep)) {
        errors.push({
          path: `spec.applications[${i}].dependsOn[${k}]`,
          reason: `unknown application "${dep}"`,
        });
      }
    });
  });

  const nodes = apps.filter(isPlain).flatMap((app) =>
    typeof app.name === 'string'
      ? [
          {
            name: app.name,
            dependsOn: Array.isArray(app.dependsOn) ? app.dependsOn.filter(isString) : [],
          },
        ]
      : [],
  );
  for (const cycle of findDependencyCycles(nodes)) {
    errors.push({
      path: `spec.applications[${names.get(cycle[0])}].dependsOn`,
      reason: `dependency cycle: ${cycle.join(' → ')}`,
    });
  }

  const instances = apps.reduce<number>((sum, app) => sum + maxReplicasOf(app), 0);
  if (instances > SpecLimits.instancesPerService) {
    errors.push({
      path: 'spec.applications',
      reason: `the applications' replicas.max add up to ${instances}, over the limit of ${SpecLimits.instancesPerService} instances per service`,
    });
  }

  const rules = Array.isArray(body?.rules) ? body.rules : [];
  rules.forEach((rule, r) => {
    if (isPlain(rule)) errors.push(...checkRule(rule, `spec.rules[${r}]`, names));
  });
  errors.push(...checkServiceProbe(objectAt(body, 'serviceProbe'), apps));
  return errors;
}

/** The probe's application must exist and be reachable over HTTP: a `sim` instance listens nowhere. */
function checkServiceProbe(probe: Plain | undefined, apps: unknown[]): FieldError[] {
  if (!probe || typeof probe.application !== 'string') return [];
  const path = 'spec.serviceProbe.application';
  const target = apps.find((app) => isPlain(app) && app.name === probe.application) as
    Plain | undefined;
  if (!target) return [{ path, reason: `unknown application "${probe.application}"` }];
  if (target.layer === 'sim') {
    return [
      {
        path,
        reason: `application "${probe.application}" runs on the sim layer, whose instances cannot be reached over HTTP`,
      },
    ];
  }
  return [];
}

/**
 * An instance that needs no cpu or no memory would fit on any host any number of times. A value that
 * is not a quantity at all is the quantity check's to report.
 */
const POSITIVE_RESOURCES: Array<[string, (input: unknown) => QuantityResult]> = [
  ['cpu', parseCpu],
  ['memory', parseBytes],
];

function checkApplication(app: Plain, at: string): FieldError[] {
  const errors: FieldError[] = [];
  const resources = objectAt(app, 'resources');
  for (const [field, parse] of POSITIVE_RESOURCES) {
    const amount = resources ? parse(resources[field]) : undefined;
    if (amount?.ok && amount.value <= 0)
      errors.push({ path: `${at}.resources.${field}`, reason: 'must be more than 0' });
  }
  const replicas = objectAt(app, 'replicas');
  if (
    replicas &&
    typeof replicas.min === 'number' &&
    typeof replicas.max === 'number' &&
    replicas.min > replicas.max
  ) {
    errors.push({
      path: `${at}.replicas`,
      reason: `min (${replicas.min}) must not exceed max (${replicas.max})`,
    });
  }
  const scaling = objectAt(app, 'scaling');
  if (
    scaling &&
    typeof scaling.scaleInBelow === 'number' &&
    typeof scaling.scaleOutAbove === 'number' &&
    scaling.scaleInBelow >= scaling.scaleOutAbove
  ) {
    errors.push({
      path: `${at}.scaling.scaleInBelow`,
      reason: `must be below scaleOutAbove (${scaling.scaleOutAbove}), got ${scaling.scaleInBelow}`,
    });
  }
  const health = objectAt(app, 'health');
  if (health && health.http != null && health.tcp != null) {
    errors.push({ path: `${at}.health`, reason: 'give one probe: http or tcp, not both' });
  }
  const artifact = objectAt(app, 'artifact');
  if (app.layer === 'process' && artifact?.command == null) {
    errors.push({ path: `${at}.artifact.command`, reason: 'required for the process layer' });
  }
  errors.push(...checkArtifactEnv(artifact, at));
  return errors;
}

/**
 * The port, identity and endpoints the agent gives every process instance are never the spec's to
 * set. Refused whatever the layer (a VM gets no `env` at all), so that a spec means the same when
 * its layer changes; the reason says so rather than claim a VM receives them.
 */
function checkArtifactEnv(artifact: Plain | undefined, at: string): FieldError[] {
  return Object.keys(objectAt(artifact, 'env') ?? {})
    .filter(isReservedWorkloadVariable)
    .map((name) => ({
      path: `${at}.artifact.env.${name}`,
      reason:
        'is reserved: the agent sets it for every process instance (its port, identity and endpoints); a VM guest gets its identity and endpoints through discovery and no env at all',
    }));
}

function checkRule(rule: Plain, at: string, names: Map<string, number>): FieldError[] {
  const errors: FieldError[] = [];
  const kinds = ['antiAffinity', 'spread'].filter((k) => rule[k] != null);
  if (kinds.length !== 1)
    errors.push({ path: at, reason: 'give exactly one of antiAffinity or spread' });
  const unknown = (list: unknown, path: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((name, k) => {
      if (typeof name === 'string' && !names.has(name)) {
        errors.push({ path: `${path}[${k}]`, reason: `unknown application "${name}"` });
      }
    });
  };
  unknown(rule.antiAffinity, `${at}.antiAffinity`);
  unknown(objectAt(rule, 'spread')?.apps, `${at}.spread.apps`);
  return errors;
}

/** An application's replicas.max as written, or its default of 1; a wrong type counts as 1. */
function maxReplicasOf(app: unknown): number {
  const max = objectAt(app, 'replicas')?.max;
  return typeof max === 'number' && Number.isFinite(max) && max > 0 ? max : 1;
}

function objectAt(value: unknown, key: string): Plain | undefined {
  if (!isPlain(value)) return undefined;
  const inner = value[key];
  return isPlain(inner) ? inner : undefined;
}

function isPlain(value: unknown): value is Plain {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
