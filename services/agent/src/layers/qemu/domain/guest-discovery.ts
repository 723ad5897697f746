import { endpointsVariables } from '../../../domain/workload-environment';
import type { InstanceSpec } from '../../layer-driver';
import { USER_NETWORK_HOST_ADDRESS } from './qemu-machine';

/** fw_cfg names under which a guest finds what a process workload gets in its environment. */
export const FW_CFG_ENV = 'opt/federa/env';
export const FW_CFG_ENDPOINTS = 'opt/federa/endpoints';

/**
 * What a VM's guest is told about its service, as file contents by fw_cfg name: `opt/federa/env`
 * holds `NAME='value'` lines, each value single-quoted for a shell to source (FEDERA_SERVICE,
 * FEDERA_APPLICATION, FEDERA_INSTANCE, FEDERA_ENDPOINTS_<APP>, FEDERA_DISCOVERY_URL rewritten to
 * the host's loopback as the guest reaches it, 10.0.2.2) and `opt/federa/endpoints` the start-time
 * ServiceEndpoints JSON.
 */
export function guestDiscoveryFiles(
  spec: InstanceSpec,
  networked: boolean,
): Record<string, string> {
  const variables: Record<string, string> = {
    FEDERA_SERVICE: spec.service,
    FEDERA_APPLICATION: spec.app,
    FEDERA_INSTANCE: spec.instance,
    ...endpointsVariables(spec.app, spec.endpoints),
  };
  if (spec.discoveryUrl && networked) {
    variables.FEDERA_DISCOVERY_URL = guestUrl(spec.discoveryUrl);
  }
  const env = Object.entries(variables)
    .map(([name, value]) => `${name}=${shellQuoted(value)}\n`)
    .join('');
  const files: Record<string, string> = { [FW_CFG_ENV]: env };
  if (spec.endpoints) files[FW_CFG_ENDPOINTS] = JSON.stringify(spec.endpoints);
  return files;
}

/** The host's loopback URL as the guest reaches it; other addresses are reached as they are. */
export function guestUrl(url: string): string {
  const parsed = new URL(url);
  if (['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)) {
    parsed.hostname = USER_NETWORK_HOST_ADDRESS;
  }
  return parsed.toString();
}

/**
 * `value` in single quotes, a quote in it written `'\''`: guests source the file (`set -a; . …`),
 * and no character of a value may end the assignment or run a command.
 */
export function shellQuoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
