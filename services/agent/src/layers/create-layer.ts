import type { LayerDriver, LayerKind } from './layer-driver';
import { ProcessLayer } from './process';
import { SimLayer } from './sim';

/** Where and how the agent runs layers. */
export interface LayerContext {
  /** The agent's data dir; layers may keep files under `<dataDir>/layers/<kind>`. */
  dataDir: string;
  /** Working directory of process artifacts that name none. */
  cwd?: string;
}

/**
 * The driver of one layer kind. qemu and libvirt are loaded only when a host offers them, so that
 * a host without them never loads their code.
 */
export function createLayer(kind: LayerKind, context: LayerContext): LayerDriver {
  switch (kind) {
    case 'process':
      return new ProcessLayer({ defaultCwd: context.cwd });
    case 'sim':
      return new SimLayer();
    case 'qemu': {
      const { QemuDriver } = require('./qemu/qemu-driver') as {
        QemuDriver: new (options?: Record<string, unknown>) => LayerDriver;
      };
      return new QemuDriver();
    }
    case 'libvirt': {
      const { LibvirtDriver } = require('./libvirt/libvirt-driver') as {
        LibvirtDriver: new (options?: Record<string, unknown>) => LayerDriver;
      };
      return new LibvirtDriver();
    }
  }
}
