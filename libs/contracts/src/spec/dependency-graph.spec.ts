import { dependencyOrder, findDependencyCycles } from './dependency-graph';

describe('dependency graph', () => {
  it('orders applications after what they depend on', () => {
    const order = dependencyOrder([
      { name: 'web', dependsOn: ['db', 'payment'] },
      { name: 'payment', dependsOn: ['db'] },
      { name: 'db', dependsOn: [] },
    ]);
    expect(order).toEqual(['db', 'payment', 'web']);
  });

  it('reports each cycle once, whichever node it is reached from', () => {
    const cycles = findDependencyCycles([
      { name: 'a', dependsOn: ['b'] },
      { name: 'b', dependsOn: ['a'] },
      { name: 'c', dependsOn: ['b', 'd'] },
      { name: 'd', dependsOn: ['c'] },
    ]);
    expect(cycles).toEqual([
      ['a', 'b', 'a'],
      ['c', 'd', 'c'],
    ]);
  });

  it('refuses to order a cycle', () => {
    expect(() => dependencyOrder([{ name: 'a', dependsOn: ['a'] }])).toThrow('dependency cycle');
  });
});
