import type { LayerInstanceState } from '../../layer-driver';

/** Maps `virsh domstate` answers onto the layer's instance states. */
export function layerStateOfDomainState(domstate: string): LayerInstanceState {
  switch (domstate.trim()) {
    case 'running':
    case 'idle':
    case 'blocked':
    case 'in shutdown':
      return 'running';
    case 'paused':
    case 'pmsuspended':
      return 'paused';
    case 'shut off':
      return 'stopped';
    case 'crashed':
      return 'failed';
    default:
      return 'unknown';
  }
}
