/** An application and the applications it waits for; only names matter here. */
export interface DependencyNode {
  name: string;
  dependsOn: readonly string[];
}

/**
 * Every dependency cycle among the nodes, each as the path that closes it (`['a', 'b', 'a']`),
 * reported once whichever node it is entered from. Names that are not nodes are ignored.
 */
export function findDependencyCycles(nodes: readonly DependencyNode[]): string[][] {
  const edges = new Map(
    nodes.map((n) => [n.name, n.dependsOn.filter((d) => nodes.some((m) => m.name === d))]),
  );
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const done = new Set<string>();

  const visit = (name: string, trail: string[]): void => {
    const at = trail.indexOf(name);
    if (at >= 0) {
      const cycle = [...trail.slice(at), name];
      const key = canonicalCycleKey(cycle);
      if (!seen.has(key)) {
        seen.add(key);
        cycles.push(cycle);
      }
      return;
    }
    if (done.has(name)) return;
    for (const next of edges.get(name) ?? []) visit(next, [...trail, name]);
    done.add(name);
  };
  for (const node of nodes) visit(node.name, []);
  return cycles;
}

/**
 * Names in start order: every application after the ones it depends on, ties kept in the given order.
 * Throws when there is a cycle (validate first); stop order is the reverse.
 */
export function dependencyOrder(nodes: readonly DependencyNode[]): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const known = new Set(nodes.map((n) => n.name));
  while (order.length < nodes.length) {
    const ready = nodes.find(
      (n) => !placed.has(n.name) && n.dependsOn.every((d) => placed.has(d) || !known.has(d)),
    );
    if (!ready) throw new Error('dependency cycle: no start order exists');
    order.push(ready.name);
    placed.add(ready.name);
  }
  return order;
}

/** The same cycle entered at another node gives the same key: rotate to start at its smallest name. */
function canonicalCycleKey(cycle: string[]): string {
  const ring = cycle.slice(0, -1);
  const start = ring.indexOf([...ring].sort()[0]);
  return [...ring.slice(start), ...ring.slice(0, start)].join('\u0000');
}
