import type { ResourceAmounts } from '@federa/contracts';
import type { Resources } from './resources';

/** Events' resource amounts → the domain's resource vector. */
export function resourcesOf(amounts: ResourceAmounts): Resources {
  return {
    cpu: amounts.cpuMillis,
    memory: amounts.memoryBytes,
    storage: amounts.storageBytes,
    bandwidth: amounts.bandwidthBps,
  };
}

/** The domain's resource vector → events' resource amounts (whole units). */
export function amountsOf(resources: Resources): ResourceAmounts {
  return {
    cpuMillis: Math.round(resources.cpu),
    memoryBytes: Math.round(resources.memory),
    storageBytes: Math.round(resources.storage),
    bandwidthBps: Math.round(resources.bandwidth),
  };
}
