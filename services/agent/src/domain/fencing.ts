/** Why a command's epoch is refused, or undefined when it is the host's current epoch. */
export function epochRefusal(
  commandEpoch: number,
  currentEpoch: number | undefined,
): string | undefined {
  if (currentEpoch === undefined) return 'the agent is not registered yet (no epoch)';
  if (commandEpoch < currentEpoch)
    return `stale epoch ${commandEpoch}: the host's epoch is ${currentEpoch}`;
  if (commandEpoch > currentEpoch)
    return `unknown epoch ${commandEpoch}: the host's epoch is ${currentEpoch}`;
  return undefined;
}
