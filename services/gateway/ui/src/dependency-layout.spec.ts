import { layoutDependencies } from './dependency-layout';

describe('laying out a service dependency graph', () => {
  const shop = [
    { name: 'catalog-db', dependsOn: [] },
    { name: 'payment', dependsOn: ['catalog-db'] },
    { name: 'web', dependsOn: ['catalog-db', 'payment'] },
  ];

  it('puts each application one column right of its deepest dependency', () => {
    const layout = layoutDependencies(shop);
    expect(layout.nodes.map((n) => [n.name, n.column])).toEqual([
      ['catalog-db', 0],
      ['payment', 1],
      ['web', 2],
    ]);
    expect(layout.columns).toBe(3);
  });

  it('draws one edge per dependency, from the dependent to what it needs', () => {
    expect(layoutDependencies(shop).edges).toEqual([
      { from: 'payment', to: 'catalog-db' },
      { from: 'web', to: 'catalog-db' },
      { from: 'web', to: 'payment' },
    ]);
  });

  it('stacks independent applications in rows of the same column', () => {
    const layout = layoutDependencies([
      { name: 'a', dependsOn: [] },
      { name: 'b', dependsOn: [] },
    ]);
    expect(layout.nodes.map((n) => [n.column, n.row])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    expect(layout.rows).toBe(2);
  });

  it('ignores dependencies on unknown applications and does not loop on a cycle', () => {
    const layout = layoutDependencies([
      { name: 'a', dependsOn: ['b', 'ghost'] },
      { name: 'b', dependsOn: ['a'] },
    ]);
    expect(layout.nodes).toHaveLength(2);
    expect(layout.edges).toHaveLength(2);
  });
});
