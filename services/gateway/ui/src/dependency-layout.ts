/** An application as the dependency graph needs it. */
export interface GraphApplication {
  name: string;
  dependsOn: string[];
}

export interface GraphNode {
  name: string;
  /** 0 for applications that depend on nothing; otherwise one more than their deepest dependency. */
  column: number;
  row: number;
}

export interface GraphEdge {
  /** The dependent application. */
  from: string;
  /** What it depends on. */
  to: string;
}

export interface DependencyLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  columns: number;
  rows: number;
}

/**
 * Places each application in a column by its depth in the dependency graph (dependencies to the
 * left of what needs them, as the start order runs) and a row within the column in spec order.
 * A dependency on an unknown application is drawn to nothing and a cycle (which the spec
 * validation refuses) cannot loop: both are counted as depth 0.
 */
export function layoutDependencies(applications: GraphApplication[]): DependencyLayout {
  const byName = new Map(applications.map((app) => [app.name, app]));
  const depths = new Map<string, number>();
  const depthOf = (name: string, visiting: Set<string>): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    const app = byName.get(name);
    if (!app || visiting.has(name)) return 0;
    visiting.add(name);
    const deps = app.dependsOn.filter((dep) => byName.has(dep));
    const depth = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((d) => depthOf(d, visiting)));
    visiting.delete(name);
    depths.set(name, depth);
    return depth;
  };
  const rowsUsed: number[] = [];
  const nodes = applications.map((app) => {
    const column = depthOf(app.name, new Set());
    const row = rowsUsed[column] ?? 0;
    rowsUsed[column] = row + 1;
    return { name: app.name, column, row };
  });
  const edges = applications.flatMap((app) =>
    app.dependsOn.filter((dep) => byName.has(dep)).map((dep) => ({ from: app.name, to: dep })),
  );
  return {
    nodes,
    edges,
    columns: rowsUsed.length,
    rows: Math.max(0, ...rowsUsed.filter((n) => n !== undefined)),
  };
}
