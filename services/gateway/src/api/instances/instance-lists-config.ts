import { ConfigurationError } from '@federa/runtime';

/**
 * Who answers `GET /v1/instances`: `memory`, the gateway from its own fold of the log once it holds
 * the log's head (supervision when it cannot show that in time), or `forward`, supervision always.
 */
export type InstanceListsMode = 'memory' | 'forward';

export const instanceListsModes: readonly InstanceListsMode[] = ['memory', 'forward'];

/** FEDERA_GATEWAY_INSTANCE_LISTS, `memory` when unset. */
export function loadInstanceListsMode(env: NodeJS.ProcessEnv): InstanceListsMode {
  const value = env.FEDERA_GATEWAY_INSTANCE_LISTS;
  if (value === undefined || value === '') return 'memory';
  if ((instanceListsModes as readonly string[]).includes(value)) return value as InstanceListsMode;
  throw new ConfigurationError(
    `FEDERA_GATEWAY_INSTANCE_LISTS: expected ${instanceListsModes.join(' or ')}, got ${JSON.stringify(value)}`,
  );
}
