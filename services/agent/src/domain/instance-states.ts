/** States in which an instance is supposed to be running on its layer. */
const LIVE_STATES: ReadonlySet<string> = new Set(['starting', 'running', 'healthy', 'unhealthy']);

/** Whether an instance in `state` should be running on its layer (a vanished one has failed). */
export function isLive(state: string): boolean {
  return LIVE_STATES.has(state);
}
