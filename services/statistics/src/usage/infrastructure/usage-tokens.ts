/** Nest injection token of the usage configuration. */
export const USAGE_CONFIG = Symbol('statistics.usage-config');
