/** What the hosts panel needs of a host to name its state. */
export interface HostStateFacts {
  state: string;
  cordoned: boolean;
  drain: { state: string } | null;
}

/** The state an operator acts on: a drain or a cordon says more than `ready`. */
export function shownHostState(host: HostStateFacts): string {
  if (host.drain && (host.drain.state === 'draining' || host.drain.state === 'drained'))
    return host.drain.state;
  if (host.cordoned && host.state === 'ready') return 'cordoned';
  return host.state;
}
