import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LifelineShimOrder } from './domain/lifeline-shim-order';
import { PrefixedOutput } from './prefixed-output';
import { spawnWithLifeline } from './spawn-with-lifeline';
import { forceStopProcess, isRunning, killProcessGroup, stopProcess } from './stop-process';

/** One run of a backend server (PostgreSQL, nats-server) that `federa up` started. */
export interface BackendProcess {
  readonly pid: number | undefined;
  /** Resolves once it accepts connections; rejects when it exits first or does not in time. */
  readonly ready: Promise<void>;
  /** Resolves with how it ended (`SIGKILL`, `code 1`), once it and its process group are gone. */
  readonly exited: Promise<string>;
  /** Stops it gracefully (killing it after a grace period) and waits until it is gone. */
  stop(): Promise<void>;
  /** Kills its process group at once and waits (briefly) until it is gone. */
  forceStop(): Promise<void>;
}

/** How to run one backend server and tell when it is ready. */
export interface BackendCommand {
  /** The prefix of its output lines, and its name in messages. */
  name: string;
  command: string;
  args: string[];
  spawnOptions?: { uid?: number; gid?: number; env?: NodeJS.ProcessEnv };
  /** Answers true once the server accepts connections. */
  accepts(): Promise<boolean>;
  readyTimeoutMs: number;
  /** How often `accepts` is asked while it starts. */
  pollMs: number;
  /** The signal of its graceful stop, and how long that may take before it is killed. */
  stopSignal: LifelineShimOrder['stopSignal'];
  stopGraceMs: number;
}

/** How long a dead leader's process group may take to go (its members get SIGKILL first). */
const groupGoneWaitMs = 5000;

/** The compiled lifeline shim, beside this file in the build. */
const lifelineShim = join(__dirname, 'lifeline-shim.js');

/**
 * Spawns a backend in a process group of its own (so that Ctrl-C reaches it only through
 * `federa up`, after the services), under the lifeline shim (lifeline-shim.ts), which leads that
 * group, stands in for the server (signals, exit) and stops it should `federa up` die. When the
 * leader exits for any reason, what is left of its group is killed before `exited` resolves: after
 * a `kill -9` of the postmaster its backends would otherwise live on, holding the shared memory
 * that a restarted postmaster refuses to start beside.
 */
export function spawnBackend(backend: BackendCommand): BackendProcess {
  const output = new PrefixedOutput(backend.name);
  const { uid, gid, env } = backend.spawnOptions ?? {};
  const order: LifelineShimOrder = {
    command: backend.command,
    args: backend.args,
    ...(uid !== undefined ? { uid } : {}),
    ...(gid !== undefined ? { gid } : {}),
    stopSignal: backend.stopSignal,
    stopGraceMs: backend.stopGraceMs,
  };
  const child = spawnWithLifeline(process.execPath, [lifelineShim], {
    env: env ?? process.env,
    stdin: 'pipe',
  });
  child.stdin?.on('error', () => undefined);
  child.stdin?.end(JSON.stringify(order));
  output.attach(child.stdout);
  output.attach(child.stderr);

  const leaderEnded = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`cannot start: ${error.message}`));
    child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`));
  });
  const exited = leaderEnded.then(async (how) => {
    await clearProcessGroup(child.pid);
    return how;
  });

  const ready = (async () => {
    const deadline = Date.now() + backend.readyTimeoutMs;
    let ended: string | undefined;
    void leaderEnded.then((how) => (ended = how));
    for (;;) {
      if (ended !== undefined)
        throw new Error(`${backend.name} exited (${ended}) before it accepted connections`);
      if (await backend.accepts()) {
        if (ended === undefined) return;
        continue;
      }
      if (Date.now() > deadline)
        throw new Error(
          `${backend.name} does not accept connections after ${Math.round(backend.readyTimeoutMs / 1000)} s`,
        );
      await sleep(backend.pollMs);
    }
  })();
  // Whoever waits for it handles the failure; a run stopped while starting must not crash `up`.
  ready.catch(() => undefined);

  return {
    pid: child.pid,
    ready,
    exited,
    async stop() {
      if (isRunning(child)) await stopProcess(child, backend.stopSignal, backend.stopGraceMs);
      await exited;
    },
    async forceStop() {
      await forceStopProcess(child);
      await Promise.race([exited, sleep(groupGoneWaitMs)]);
    },
  };
}

/** Kills what is left of the group led by `pid` and waits (bounded) until it is empty. */
async function clearProcessGroup(pid: number | undefined): Promise<void> {
  if (!killProcessGroup(pid, 'SIGKILL')) return;
  const deadline = Date.now() + groupGoneWaitMs;
  while (Date.now() < deadline && groupExists(pid as number)) await sleep(50);
}

function groupExists(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
