import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationFailed, type HostDiscoveryConfig } from '@federa/contracts';
import type { EndpointsBoard } from './endpoints-board';
import { DiscoveryServer } from './discovery-server';

export interface DiscoveryLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

/** Where the port chosen at the first start is kept, so that workloads' URLs outlive agent restarts. */
const PORT_FILE = 'discovery-port';

/**
 * Starts the discovery server where the host config says, or on the port kept in the data dir
 * (chosen free at the first start): a workload started before an agent restart keeps a working
 * FEDERA_DISCOVERY_URL. A configured port that is taken fails the start, naming `discovery.port`;
 * a kept one that is taken gives way to a free port, with a warning.
 */
export async function startDiscoveryServer(
  board: EndpointsBoard,
  config: HostDiscoveryConfig | undefined,
  dataDir: string,
  log: DiscoveryLog,
): Promise<DiscoveryServer> {
  const bind = config?.bind ?? '127.0.0.1';
  if (config?.port !== undefined) {
    try {
      return await DiscoveryServer.listen({ board, bind, port: config.port });
    } catch (error) {
      throw listenRefused(error, bind, config.port);
    }
  }
  const file = join(dataDir, PORT_FILE);
  const kept = Number((await readFile(file, 'utf8').catch(() => '')).trim());
  let server: DiscoveryServer | undefined;
  if (Number.isInteger(kept) && kept > 0 && kept < 65536) {
    server = await DiscoveryServer.listen({ board, bind, port: kept }).catch((error: unknown) => {
      log.warn(
        { err: error, port: kept },
        'the discovery port of the last run is taken: workloads started before get no updates until restarted',
      );
      return undefined;
    });
  }
  server ??= await DiscoveryServer.listen({ board, bind, port: 0 }).catch((error: unknown) => {
    throw listenRefused(error, bind, 0);
  });
  if (server.port !== kept) await writeFile(file, `${server.port}\n`);
  return server;
}

/**
 * Why the server cannot listen, naming the host.yaml key to change: `discovery.bind` for an address
 * this host does not have, `discovery.port` for a port that is taken or not allowed.
 */
function listenRefused(error: unknown, bind: string, port: number): ValidationFailed {
  const code = (error as NodeJS.ErrnoException).code;
  const addressAtFault =
    code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT' || code === 'ENOTFOUND';
  const reason = addressAtFault
    ? `${bind} is no address of this host: cannot listen on it (${(error as Error).message})`
    : `cannot listen on ${bind}:${port}: ${(error as Error).message}`;
  return new ValidationFailed(
    [{ path: addressAtFault ? 'discovery.bind' : 'discovery.port', reason }],
    'host config',
  );
}

/** FEDERA_DISCOVERY_URL of `service` for a workload on this host. */
export function discoveryUrl(bind: string | undefined, port: number, service: string): string {
  return `http://${reachableHost(bind ?? '127.0.0.1')}:${port}/v1/discovery/${service}`;
}

/** A wildcard bind is reached on the loopback; an IPv6 address is bracketed in a URL. */
function reachableHost(bind: string): string {
  if (bind === '0.0.0.0') return '127.0.0.1';
  if (bind === '::') return '[::1]';
  return bind.includes(':') ? `[${bind}]` : bind;
}
