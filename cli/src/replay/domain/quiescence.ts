import type { Outcome } from './outcome';

const transientHostStates = ['suspect', 'draining'];
const transientServiceStates = ['deploying', 'stopping'];
const transientInstanceStates = [
  'pending',
  'placed',
  'starting',
  'running',
  'stopping',
  'migrating',
];

/**
 * Something is still on its way: a host draining or suspected, a service deploying or stopping, an
 * instance between its request and health, stopping or moving. A replay waits for the target to
 * leave these (or to match the recording) before it compares.
 */
export function isMoving(outcome: Outcome): boolean {
  const hostMoving = Object.values(outcome.hosts).some((state) =>
    transientHostStates.includes(state.split(',')[0]),
  );
  const serviceMoving = Object.values(outcome.services).some((state) =>
    transientServiceStates.includes(state),
  );
  const instanceMoving = Object.values(outcome.instances).some((byState) =>
    transientInstanceStates.some((state) => (byState[state] ?? 0) > 0),
  );
  return hostMoving || serviceMoving || instanceMoving;
}
