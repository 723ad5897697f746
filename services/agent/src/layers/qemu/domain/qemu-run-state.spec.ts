import { layerStateOfRunState } from './qemu-run-state';

describe('layerStateOfRunState', () => {
  it.each([
    ['running', 'running'],
    ['paused', 'paused'],
    ['inmigrate', 'starting'],
    ['prelaunch', 'starting'],
    ['postmigrate', 'stopped'],
    ['shutdown', 'stopped'],
    ['internal-error', 'failed'],
    ['guest-panicked', 'failed'],
    ['something-new', 'unknown'],
  ])('maps QEMU run state %s to %s', (runState, expected) => {
    expect(layerStateOfRunState(runState)).toBe(expected);
  });
});
