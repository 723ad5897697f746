import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnBackend } from './backend-process';
import { hostPort } from './domain/backend-choice';
import { natsServerOrInstall } from './nats-server-binary';
import { portAnswers } from './port-answers';
import { RestartingBackend } from './restarting-backend';
import type { Stoppable } from './stop-process';

/** A nats-server with JetStream that `federa up` started, and its URL. */
export interface LocalNats extends Stoppable {
  url: string;
}

/** Where the nats-server of `storeDir` writes its pid: how a later run finds one left running. */
export function natsPidFile(storeDir: string): string {
  return join(storeDir, 'nats-server.pid');
}

/**
 * Starts `nats-server -js` on `host`:`port` with its JetStream data in `storeDir` and keeps it
 * running: a server that dies is started again there on the same store, so that the streams and
 * their consumers survive (RestartingBackend). With `config`, only the identities it lists get in.
 * It runs in a process group of its own so that
 * Ctrl-C reaches it only through us, after the services.
 */
export async function startLocalNats(
  storeDir: string,
  host: string,
  port: number,
  log: (line: string) => void,
  /** A nats-server configuration file enabling JetStream in `storeDir` (and the credentials' authorization block). */
  config?: string,
): Promise<LocalNats> {
  const binary = natsServerOrInstall(log);
  mkdirSync(storeDir, { recursive: true });
  const backend = new RestartingBackend(
    'nats',
    hostPort(host, port),
    () =>
      spawnBackend({
        name: 'nats',
        command: binary,
        args: [
          // A configuration enables JetStream itself (in `storeDir`): see prepareUpBusCredentials.
          ...(config ? ['-c', config] : ['-js', '-sd', storeDir]),
          '-a',
          host,
          '-p',
          String(port),
          '-P',
          natsPidFile(storeDir),
        ],
        accepts: () => portAnswers(host, port),
        readyTimeoutMs: 15_000,
        pollMs: 200,
        stopSignal: 'SIGTERM',
        stopGraceMs: 10_000,
      }),
    log,
  );
  await backend.start();
  return {
    name: 'nats',
    url: `nats://${hostPort(host, port)}`,
    stop: () => backend.stop(),
    forceStop: () => backend.forceStop(),
  };
}
