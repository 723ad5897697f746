/** The kinds of virtual layer a host can offer (a host's `layers`, an application's `layer`). */
export const LayerKinds = ['qemu', 'libvirt', 'process', 'sim'] as const;
export type LayerKindName = (typeof LayerKinds)[number];

// The agent protocol checks ids with the same patterns as events and commands (defined once there).
export { HOST_ID_PATTERN, INSTANCE_ID_PATTERN } from '../events/values/identifiers';
