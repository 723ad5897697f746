import type { HostFilter } from './host-filter';

/** The host must offer the application's layer (qemu, libvirt, process, sim). */
export const layerKindFilter: HostFilter = {
  name: 'layer-kind',
  byClass: true,
  reject: (host, { request }) => (host.layers.includes(request.layer) ? undefined : 'layer'),
};
