/** What the start-order planner needs of an application: its name and what must be healthy before it. */
export interface DependencyNode {
  name: string;
  dependsOn?: readonly string[];
}

/** Why an order cannot be planned, located like a spec validation error. */
export interface DependencyProblem {
  path: string;
  reason: string;
}

export type StartOrder =
  { ok: true; layers: string[][] } | { ok: false; problems: DependencyProblem[] };

/**
 * Groups applications into start layers (Kahn's algorithm): every application's dependencies sit in
 * earlier layers; names keep the spec's order within a layer. Unknown and cyclic dependencies are
 * reported with their paths (`spec.applications[i].dependsOn[j]`), all of them.
 */
export function planStartOrder(apps: readonly DependencyNode[]): StartOrder {
  const problems: DependencyProblem[] = [];
  const index = new Map(apps.map((app, i) => [app.name, i]));
  apps.forEach((app, i) => {
    (app.dependsOn ?? []).forEach((dep, j) => {
      const path = `spec.applications[${i}].dependsOn[${j}]`;
      if (!index.has(dep))
        problems.push({ path, reason: `unknown application ${JSON.stringify(dep)}` });
      else if (dep === app.name)
        problems.push({ path, reason: 'an application cannot depend on itself' });
    });
  });
  if (problems.length > 0) return { ok: false, problems };

  const remaining = new Map(apps.map((app) => [app.name, new Set(app.dependsOn ?? [])]));
  const layers: string[][] = [];
  while (remaining.size > 0) {
    const ready = apps.filter((app) => remaining.get(app.name)?.size === 0).map((app) => app.name);
    if (ready.length === 0) break;
    for (const name of ready) remaining.delete(name);
    for (const deps of remaining.values()) for (const name of ready) deps.delete(name);
    layers.push(ready);
  }
  if (remaining.size > 0) {
    for (const cycle of findCycles(apps, new Set(remaining.keys()))) {
      const first = index.get(cycle[0]) as number;
      problems.push({
        path: `spec.applications[${first}].dependsOn`,
        reason: `dependency cycle: ${[...cycle, cycle[0]].join(' -> ')}`,
      });
    }
    return { ok: false, problems };
  }
  return { ok: true, layers };
}

/** Stop order: the start layers reversed, so that nothing stops before what depends on it. */
export function stopOrder(layers: readonly string[][]): string[][] {
  return [...layers].reverse().map((layer) => [...layer]);
}

/** The applications that list `name` directly in their dependsOn. */
export function dependentsOf(apps: readonly DependencyNode[], name: string): string[] {
  return apps.filter((app) => (app.dependsOn ?? []).includes(name)).map((app) => app.name);
}

/** One cycle per strongly tied group, each starting at its first application in spec order. */
function findCycles(apps: readonly DependencyNode[], stuck: Set<string>): string[][] {
  const byName = new Map(apps.map((app) => [app.name, app]));
  const reported = new Set<string>();
  const cycles: string[][] = [];
  for (const start of apps.map((a) => a.name).filter((n) => stuck.has(n))) {
    if (reported.has(start)) continue;
    const cycle = walkToCycle(start, byName, stuck);
    if (cycle && !cycle.some((n) => reported.has(n))) {
      cycle.forEach((n) => reported.add(n));
      cycles.push(rotateToFirst(cycle, apps));
    }
  }
  return cycles;
}

function walkToCycle(
  start: string,
  byName: Map<string, DependencyNode>,
  stuck: Set<string>,
): string[] | undefined {
  const path: string[] = [];
  const seen = new Map<string, number>();
  let current: string | undefined = start;
  while (current !== undefined) {
    if (seen.has(current)) return path.slice(seen.get(current));
    seen.set(current, path.length);
    path.push(current);
    current = (byName.get(current)?.dependsOn ?? []).find((dep) => stuck.has(dep));
  }
  return undefined;
}

function rotateToFirst(cycle: string[], apps: readonly DependencyNode[]): string[] {
  const order = apps.map((a) => a.name);
  const first = cycle.reduce((a, b) => (order.indexOf(a) <= order.indexOf(b) ? a : b));
  const at = cycle.indexOf(first);
  return [...cycle.slice(at), ...cycle.slice(0, at)];
}
