import { drainOrder } from './drain-order';

const entry = (instance: string, service: string, app: string) => ({ instance, service, app });

describe('the order a drain moves instances in', () => {
  const shop = [
    { name: 'db', dependsOn: [] },
    { name: 'api', dependsOn: ['db'] },
    { name: 'web', dependsOn: ['api'] },
    { name: 'cache', dependsOn: [] },
  ];
  const applicationsOf = (service: string) => (service === 'shop' ? shop : undefined);

  it('takes service by service, dependents before what they depend on, then by instance', () => {
    const order = drainOrder(
      [
        entry('db-1', 'shop', 'db'),
        entry('blog-1', 'blog', 'web'),
        entry('web-2', 'shop', 'web'),
        entry('api-1', 'shop', 'api'),
        entry('web-1', 'shop', 'web'),
      ],
      applicationsOf,
    );
    expect(order.map((e) => e.instance)).toEqual(['blog-1', 'web-1', 'web-2', 'api-1', 'db-1']);
  });

  it('puts applications without a known spec last in their service', () => {
    const order = drainOrder(
      [
        entry('gone-1', 'shop', 'gone'),
        entry('db-1', 'shop', 'db'),
        entry('cache-1', 'shop', 'cache'),
      ],
      applicationsOf,
    );
    expect(order.map((e) => e.instance)).toEqual(['cache-1', 'db-1', 'gone-1']);
  });
});
