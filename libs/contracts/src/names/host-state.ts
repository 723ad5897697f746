/** Public host states; `cordoned` is a separate flag beside the state. */
export const HostStates = ['ready', 'suspect', 'down', 'draining', 'drained', 'retired'] as const;
export type HostState = (typeof HostStates)[number];
