import type { NormalisedServiceProbe } from '@federa/contracts';
import type { ServiceState } from './service-decider';
import type { ServiceProbeStanding } from './service-health';

/** The probe the service runs under: the deployed spec's, or the applied one's before any deploy. */
export function declaredProbeOf(state: ServiceState): NormalisedServiceProbe | undefined {
  return (state.deployed ?? state.model)?.serviceProbe ?? undefined;
}

/**
 * The service probe's standing as the log knows it: its last recorded result while the service
 * runs, `pending` before any; undefined when the service declares no probe.
 */
export function recordedProbeStanding(state: ServiceState): ServiceProbeStanding | undefined {
  const declared = declaredProbeOf(state);
  if (!declared) return undefined;
  const recorded = state.running ? state.probe : undefined;
  if (!recorded) return { application: declared.application, result: 'pending' };
  return {
    application: declared.application,
    result: recorded.result,
    at: recorded.at,
    ...(recorded.reason ? { reason: recorded.reason } : {}),
  };
}
