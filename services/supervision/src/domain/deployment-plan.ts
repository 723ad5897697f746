import type {
  InstanceStopReason,
  NormalisedApplication,
  NormalisedServiceSpec,
} from '@federa/contracts';
import { failuresOf } from './application-failures';
import { isLive, type InstanceView } from './instance-view';
import { defaultBackoff, nextRestartAt, type BackoffSettings } from './restart-backoff';
import { defaultUnhealthyGraceMs, unhealthyPastGrace } from './unhealthy-grace';

/** What supervision should do next for one service. */
export type DeploymentAction =
  | { kind: 'request'; app: string; revision: number; count: number }
  | { kind: 'stop'; instance: string; app: string; why: InstanceStopReason }
  /** The service is stopping and nothing runs any more. */
  | { kind: 'stopped' };

export interface DeploymentPlan {
  actions: DeploymentAction[];
  /** Applications held back, and why (readiness gate, backoff, another application rolling). */
  waiting: { app: string; reason: string }[];
  /** When a backoff ends: plan again then at the latest (ms since epoch). */
  wakeAt?: number;
}

/** The part of the service state the planner reads. */
export interface DeploymentTarget {
  running: boolean;
  stopping: boolean;
  deployed?: NormalisedServiceSpec;
  appRevisions: Record<string, number>;
  desired: Record<string, number>;
}

/**
 * Compares what should run with what runs and answers the next steps, level-triggered (call it again
 * after every change; it never repeats a step whose effect is already visible):
 * - running: each application gets instances up to its desired count once everything it dependsOn has
 *   min healthy instances (readiness gate); failed instances are replaced after a backoff; surplus
 *   instances are stopped; outdated instances are rolled one at a time, one application at a time, in
 *   start order (start a new one, wait until healthy, stop an old one); an instance unhealthy for
 *   `unhealthyGraceMs` is stopped, and replaced (with backoff) once it has failed;
 * - stopping: an application's instances stop once nothing that depends on it still runs (reverse order).
 */
export function planDeployment(
  target: DeploymentTarget,
  instances: readonly InstanceView[],
  now: number,
  backoff: BackoffSettings = defaultBackoff,
  unhealthyGraceMs = defaultUnhealthyGraceMs,
): DeploymentPlan {
  const plan: DeploymentPlan = { actions: [], waiting: [] };
  const live = instances.filter(isLive);
  if (!target.running || !target.deployed) {
    planStop(target, live, plan);
    return plan;
  }
  const model = target.deployed;
  const known = new Set(model.applications.map((a) => a.name));
  for (const orphan of live.filter((i) => !known.has(i.app))) {
    plan.actions.push({ kind: 'stop', instance: orphan.id, app: orphan.app, why: 'requested' });
  }
  let rolling: string | undefined;
  for (const name of model.startOrder) {
    const app = model.applications.find((a) => a.name === name) as NormalisedApplication;
    const all = instances.filter((i) => i.app === name);
    const mine = live.filter((i) => i.app === name);
    const desired = target.desired[name] ?? app.replicas.min;
    const revision = target.appRevisions[name] ?? 1;

    const blocker = app.dependsOn.find((dep) => !readyDependency(model, dep, live));
    if (blocker) {
      plan.waiting.push({ app: name, reason: `waiting for ${blocker} to be healthy` });
      continue;
    }
    const sick = mine.filter((i) => unhealthyPastGrace(i, now, unhealthyGraceMs));
    if (sick.length > 0) {
      // Nothing else for this application until they are gone: their replacements come as failures.
      for (const i of sick)
        plan.actions.push({ kind: 'stop', instance: i.id, app: name, why: 'unhealthy' });
      continue;
    }
    const outdated = mine.filter((i) => i.revision < revision);
    if (outdated.length > 0) {
      if (rolling) {
        plan.waiting.push({ app: name, reason: `waiting for ${rolling} to finish rolling` });
        continue;
      }
      rolling = name;
      rollOne(plan, name, revision, desired, mine, outdated);
      continue;
    }
    if (mine.length < desired) {
      const failures = failuresOf(all);
      const at = nextRestartAt(failures.consecutive, failures.lastAt, backoff);
      if (now < at) {
        plan.waiting.push({
          app: name,
          reason: `backing off after ${failures.consecutive} failures`,
        });
        plan.wakeAt = Math.min(plan.wakeAt ?? Infinity, at);
      } else {
        plan.actions.push({ kind: 'request', app: name, revision, count: desired - mine.length });
      }
    } else if (mine.length > desired) {
      for (const surplus of surplusFirst(mine).slice(0, mine.length - desired)) {
        plan.actions.push({ kind: 'stop', instance: surplus.id, app: name, why: 'scale-in' });
      }
    }
  }
  return plan;
}

/** A dependency is ready when it has at least min (and at least one) healthy instances. */
function readyDependency(
  model: NormalisedServiceSpec,
  dep: string,
  live: readonly InstanceView[],
): boolean {
  const spec = model.applications.find((a) => a.name === dep);
  const healthy = live.filter((i) => i.app === dep && i.state === 'healthy').length;
  return healthy >= Math.max(1, spec?.replicas.min ?? 1);
}

function rollOne(
  plan: DeploymentPlan,
  app: string,
  revision: number,
  desired: number,
  mine: readonly InstanceView[],
  outdated: readonly InstanceView[],
): void {
  const fresh = mine.filter((i) => i.revision >= revision);
  if (fresh.some((i) => i.state !== 'healthy')) {
    plan.waiting.push({ app, reason: 'rolling: waiting for the new instance to be healthy' });
  } else if (mine.length > desired) {
    const old = surplusFirst(outdated)[0];
    plan.actions.push({ kind: 'stop', instance: old.id, app, why: 'replaced' });
  } else {
    plan.actions.push({ kind: 'request', app, revision, count: 1 });
  }
}

function planStop(
  target: DeploymentTarget,
  live: readonly InstanceView[],
  plan: DeploymentPlan,
): void {
  if (live.length === 0) {
    if (target.stopping) plan.actions.push({ kind: 'stopped' });
    return;
  }
  const apps = target.deployed?.applications ?? [];
  for (const instance of live) {
    const dependent = apps.find(
      (a) => a.dependsOn.includes(instance.app) && live.some((i) => i.app === a.name),
    );
    if (dependent) {
      if (!plan.waiting.some((w) => w.app === instance.app)) {
        plan.waiting.push({ app: instance.app, reason: `waiting for ${dependent.name} to stop` });
      }
      continue;
    }
    plan.actions.push({
      kind: 'stop',
      instance: instance.id,
      app: instance.app,
      why: 'service-stopped',
    });
  }
}

/** Which instances to give up first: those doing the least good (stranded last: they cannot be reached). */
function surplusFirst(instances: readonly InstanceView[]): InstanceView[] {
  const rank = (i: InstanceView): number =>
    i.stranded ? 4 : i.state === 'unhealthy' ? 0 : i.state === 'healthy' ? 2 : 1;
  return [...instances].sort(
    (a, b) => rank(a) - rank(b) || Date.parse(b.since) - Date.parse(a.since),
  );
}
