import { dependentsOf, planStartOrder, stopOrder } from './start-order';

describe('planStartOrder', () => {
  it('puts every application after everything it depends on, keeping spec order within a layer', () => {
    const order = planStartOrder([
      { name: 'web', dependsOn: ['payment'] },
      { name: 'catalogue' },
      { name: 'payment', dependsOn: ['catalogue'] },
      { name: 'search', dependsOn: ['catalogue'] },
    ]);
    expect(order).toEqual({ ok: true, layers: [['catalogue'], ['payment', 'search'], ['web']] });
  });

  it('starts independent applications together in the first layer', () => {
    expect(planStartOrder([{ name: 'a' }, { name: 'b', dependsOn: [] }])).toEqual({
      ok: true,
      layers: [['a', 'b']],
    });
  });

  it('reports every unknown dependency with its path', () => {
    const order = planStartOrder([
      { name: 'web', dependsOn: ['db', 'cache'] },
      { name: 'api', dependsOn: ['web', 'queue'] },
    ]);
    expect(order).toEqual({
      ok: false,
      problems: [
        { path: 'spec.applications[0].dependsOn[0]', reason: 'unknown application "db"' },
        { path: 'spec.applications[0].dependsOn[1]', reason: 'unknown application "cache"' },
        { path: 'spec.applications[1].dependsOn[1]', reason: 'unknown application "queue"' },
      ],
    });
  });

  it('refuses an application that depends on itself', () => {
    const order = planStartOrder([{ name: 'a', dependsOn: ['a'] }]);
    expect(order.ok).toBe(false);
    if (!order.ok) expect(order.problems[0].reason).toMatch(/itself/);
  });

  it('names the applications of a dependency cycle in order', () => {
    const order = planStartOrder([
      { name: 'free' },
      { name: 'a', dependsOn: ['c'] },
      { name: 'b', dependsOn: ['a'] },
      { name: 'c', dependsOn: ['b', 'free'] },
    ]);
    expect(order).toEqual({
      ok: false,
      problems: [
        { path: 'spec.applications[1].dependsOn', reason: 'dependency cycle: a -> c -> b -> a' },
      ],
    });
  });

  it('reports two separate cycles separately', () => {
    const order = planStartOrder([
      { name: 'a', dependsOn: ['b'] },
      { name: 'b', dependsOn: ['a'] },
      { name: 'x', dependsOn: ['y'] },
      { name: 'y', dependsOn: ['x'] },
    ]);
    expect(order.ok).toBe(false);
    if (!order.ok)
      expect(order.problems.map((p) => p.reason)).toEqual([
        'dependency cycle: a -> b -> a',
        'dependency cycle: x -> y -> x',
      ]);
  });
});

describe('stopOrder and dependentsOf', () => {
  it('stops in the reverse of the start order', () => {
    expect(stopOrder([['db'], ['payment'], ['web']])).toEqual([['web'], ['payment'], ['db']]);
  });

  it('finds the applications that depend directly on one', () => {
    const apps = [
      { name: 'db' },
      { name: 'pay', dependsOn: ['db'] },
      { name: 'web', dependsOn: ['pay'] },
    ];
    expect(dependentsOf(apps, 'db')).toEqual(['pay']);
    expect(dependentsOf(apps, 'web')).toEqual([]);
  });
});
