import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { natsServerOrInstall } from './nats-server-binary';
import { portAnswers, portOrFree, waitUntil } from './port-answers';
import { PrefixedOutput } from './prefixed-output';
import { forceStopProcess, isRunning, stopProcess, type Stoppable } from './stop-process';

/** A nats-server with JetStream that `federa up` started, and its URL. */
export interface LocalNats extends Stoppable {
  url: string;
}

/**
 * Starts `nats-server -js` on 127.0.0.1 (4222 when free, else any free port) with its JetStream
 * data in `storeDir`, in a process group of its own so that Ctrl-C reaches it only through us,
 * after the services.
 */
export async function startLocalNats(
  storeDir: string,
  log: (line: string) => void,
): Promise<LocalNats> {
  const binary = natsServerOrInstall(log);
  mkdirSync(storeDir, { recursive: true });
  const port = await portOrFree(4222);
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = new PrefixedOutput('nats');
  output.attach(child.stdout);
  output.attach(child.stderr);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`nats-server exited with code ${code} while starting`)),
    );
  });
  failed.catch(() => undefined);
  try {
    await Promise.race([
      waitUntil(() => portAnswers('127.0.0.1', port), 15_000, 'nats-server does not answer'),
      failed,
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  let stopping = false;
  child.removeAllListeners('exit');
  child.on('exit', (code, signal) => {
    if (!stopping) output.line(`nats-server exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return {
    name: 'nats',
    url: `nats://127.0.0.1:${port}`,
    async stop() {
      stopping = true;
      if (isRunning(child)) await stopProcess(child, 'SIGTERM', 10_000);
    },
    forceStop() {
      stopping = true;
      return forceStopProcess(child);
    },
  };
}
