import type { InstanceView } from './instance-view';
import { observedChange } from './observed-state';
import { unhealthyFailureReason } from './unhealthy-grace';

const view = (state: InstanceView['state'], host = 'h1'): InstanceView => ({
  id: 'i',
  service: 's',
  app: 'a',
  layer: 'process',
  host,
  state,
  since: 't',
  revision: 1,
});

describe('observedChange', () => {
  it('records the first running and healthy reports of a started instance', () => {
    expect(observedChange(view('starting'), 'h1', 'running')).toEqual({ type: 'InstanceRunning' });
    expect(observedChange(view('running'), 'h1', 'healthy')).toEqual({ type: 'InstanceHealthy' });
    expect(observedChange(view('unhealthy'), 'h1', 'healthy')).toEqual({ type: 'InstanceHealthy' });
  });

  it('records nothing when the state is already known', () => {
    expect(observedChange(view('healthy'), 'h1', 'healthy')).toBeUndefined();
    expect(observedChange(view('healthy'), 'h1', 'running')).toBeUndefined();
  });

  it('ignores an agent that does not hold the instance, and instances already dead', () => {
    expect(observedChange(view('healthy', 'h2'), 'h1', 'failed')).toBeUndefined();
    expect(observedChange(view('failed'), 'h1', 'healthy')).toBeUndefined();
    expect(observedChange(undefined, 'h1', 'healthy')).toBeUndefined();
  });

  it('treats a stop as the end of a requested stop, and as a failure otherwise', () => {
    expect(observedChange(view('stopping'), 'h1', 'stopped')).toEqual({ type: 'InstanceStopped' });
    expect(observedChange(view('healthy'), 'h1', 'stopped')).toEqual({
      type: 'InstanceFailed',
      detail: 'stopped unexpectedly',
    });
    expect(observedChange(view('running'), 'h1', 'failed', 'exited with 1')).toEqual({
      type: 'InstanceFailed',
      detail: 'exited with 1',
    });
  });

  it('records an unhealthy probe with its detail', () => {
    expect(observedChange(view('healthy'), 'h1', 'unhealthy', 'GET /healthz: 500')).toEqual({
      type: 'InstanceUnhealthy',
      detail: 'GET /healthz: 500',
    });
  });

  it('records an instance stopped for staying unhealthy as failed, so that it counts as a failure', () => {
    const stopping = { ...view('stopping'), reason: 'unhealthy' };
    expect(observedChange(stopping, 'h1', 'stopped')).toEqual({
      type: 'InstanceFailed',
      detail: unhealthyFailureReason,
    });
    expect(observedChange(view('stopping'), 'h1', 'stopped')).toEqual({ type: 'InstanceStopped' });
  });
});
