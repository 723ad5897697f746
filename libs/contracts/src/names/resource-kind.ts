/** The four resources a host offers and an application asks for; also what placement can emphasise. */
export const ResourceKinds = ['cpu', 'memory', 'storage', 'bandwidth'] as const;
export type ResourceKind = (typeof ResourceKinds)[number];
