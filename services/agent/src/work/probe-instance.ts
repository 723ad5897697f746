import type { LayerDriver, ProbeResult } from '../layers/layer-driver';

/** The layer's probe of an instance; a probe that throws is an unhealthy answer saying why. */
export function probeInstance(layer: LayerDriver, instance: string): Promise<ProbeResult> {
  return layer
    .probe(instance)
    .catch((error: Error) => ({ healthy: false, detail: error.message, load: undefined }));
}
