import { LayerKinds, type LayerKindName } from '../agent/layer-kind';

/** The runtimes a host offers; one list, kept with the agent protocol. */
export { LayerKinds };
export type LayerKind = LayerKindName;
