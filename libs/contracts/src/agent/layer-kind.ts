/** The kinds of virtual layer a host can offer (CONTRACT.md). */
export const LayerKinds = ['qemu', 'libvirt', 'process', 'sim'] as const;
export type LayerKindName = (typeof LayerKinds)[number];

/** A host id is one NATS subject token: lower-case letters, digits and dashes. */
export const HOST_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Instance ids travel in subjects and file names: the same alphabet plus dots and underscores. */
export const INSTANCE_ID_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
