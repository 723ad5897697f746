import type { InstanceView } from '../domain/instance-view';
import { instancesByState, servicesByState } from './supervision-metrics';

function instance(id: string, state: InstanceView['state'], app = 'web'): InstanceView {
  return {
    id,
    service: 'shop',
    app,
    layer: 'process',
    state,
    since: '2026-01-01T00:00:00Z',
    revision: 1,
  };
}

describe('supervision metrics', () => {
  it('counts instances by state, service and application', () => {
    const counts = instancesByState([
      instance('i-1', 'healthy'),
      instance('i-2', 'healthy'),
      instance('i-3', 'starting'),
      instance('i-4', 'healthy', 'db'),
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        { state: 'healthy', service: 'shop', application: 'web', instances: 2 },
        { state: 'starting', service: 'shop', application: 'web', instances: 1 },
        { state: 'healthy', service: 'shop', application: 'db', instances: 1 },
      ]),
    );
    expect(counts).toHaveLength(3);
  });

  it('leaves out instances that stopped or failed, which the view keeps for ever', () => {
    const counts = instancesByState([
      instance('i-1', 'stopped'),
      instance('i-2', 'failed'),
      instance('i-3', 'lost'),
    ]);
    expect(counts).toEqual([{ state: 'lost', service: 'shop', application: 'web', instances: 1 }]);
  });

  it('counts services by state, with every state shown and deleted services left out', () => {
    const counts = servicesByState([
      { status: 'available' },
      { status: 'available' },
      { status: 'failed' },
      { status: 'deleted' },
      { status: 'absent' },
    ]);
    expect(Object.fromEntries(counts)).toEqual({
      defined: 0,
      deploying: 0,
      available: 2,
      degraded: 0,
      stopping: 0,
      stopped: 0,
      failed: 1,
    });
  });
});
