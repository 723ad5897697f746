import { isMoving } from './quiescence';

describe('isMoving', () => {
  const settled = {
    hosts: { h1: 'ready, cordoned', h2: 'drained' },
    services: { a: 'available', b: 'stopped' },
    instances: { 'a/web': { healthy: 2 }, 'b/web': { stopped: 1 } },
  };

  it('is false once hosts, services and instances rest', () => {
    expect(isMoving(settled)).toBe(false);
  });

  it('is true while a host drains, a service deploys or an instance starts', () => {
    expect(isMoving({ ...settled, hosts: { h1: 'draining' } })).toBe(true);
    expect(isMoving({ ...settled, services: { a: 'deploying' } })).toBe(true);
    expect(isMoving({ ...settled, instances: { 'a/web': { healthy: 1, starting: 1 } } })).toBe(
      true,
    );
  });
});
