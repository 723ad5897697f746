import type { InstanceView } from './instance-view';
import { dataPredecessors } from './data-predecessors';

const instance = (id: string, overrides: Partial<InstanceView>): InstanceView => ({
  id,
  service: 'shop',
  app: 'db',
  layer: 'process',
  state: 'failed',
  since: '2026-01-01T00:00:00.000Z',
  revision: 1,
  ...overrides,
});

describe('data predecessors', () => {
  it('names the failed instances of the application, newest failure first, none stopped on purpose nor inherited already', () => {
    const instances = [
      instance('old', { cause: 'host-down', since: '2026-01-01T00:00:00.000Z' }),
      instance('new', { cause: 'host-partitioned', since: '2026-01-01T00:05:00.000Z' }),
      instance('crashed', { since: '2026-01-01T00:03:00.000Z' }),
      instance('taken', { cause: 'host-down' }),
      instance('stopped', { state: 'stopped' }),
      instance('running', { state: 'healthy' }),
      instance('web', { app: 'web', cause: 'host-down' }),
    ];
    expect(dataPredecessors(instances, 'db', new Set(['taken'])).map((i) => i.id)).toEqual([
      'new',
      'crashed',
      'old',
    ]);
  });
});
