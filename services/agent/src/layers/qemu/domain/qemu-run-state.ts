import type { LayerInstanceState } from '../../layer-driver';

/** Maps QMP `query-status` run states onto the layer's instance states. */
export function layerStateOfRunState(runState: string): LayerInstanceState {
  switch (runState) {
    case 'running':
    case 'colo':
      return 'running';
    case 'paused':
    case 'suspended':
    case 'debug':
    case 'save-vm':
    case 'finish-migrate':
      return 'paused';
    case 'inmigrate':
    case 'prelaunch':
    case 'restore-vm':
      return 'starting';
    // The source of a finished live migration: its guest now runs elsewhere.
    case 'postmigrate':
    case 'shutdown':
      return 'stopped';
    case 'internal-error':
    case 'io-error':
    case 'guest-panicked':
    case 'watchdog':
      return 'failed';
    default:
      return 'unknown';
  }
}
