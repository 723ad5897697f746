import { Socket } from 'node:net';

/**
 * The variable naming a process's lifeline: a file descriptor (an extra stdio pipe) whose other end
 * only the process's parent holds. When that end closes, the parent is gone, however it ended
 * (a signal, kill -9, a crash): `federa up` gives one to everything it starts, so that nothing it
 * started outlives it (docs/reference/configuration.md).
 */
export const LIFELINE_FD_VARIABLE = 'FEDERA_LIFELINE_FD';

/** The descriptor `federa up` hands its children as their lifeline: the first after stdin, stdout, stderr. */
export const LIFELINE_FD = 3;

/**
 * How long a process whose lifeline ended may take to stop in order before it exits anyway: the
 * NATS and PostgreSQL its stop waits on may be stopping at the same moment, with `federa up`.
 */
export const LIFELINE_STOP_GIVE_UP_MS = 20_000;

/**
 * The lifeline descriptor the environment names, or undefined when it names none; a value that is
 * no descriptor past the standard three is refused, naming the variable.
 */
export function lifelineFdFrom(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[LIFELINE_FD_VARIABLE];
  if (raw === undefined || raw === '') return undefined;
  const fd = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(fd) || fd < 3) {
    throw new Error(
      `${LIFELINE_FD_VARIABLE} must be a file descriptor number of 3 or more, got "${raw}"`,
    );
  }
  return fd;
}

/**
 * Watches the lifeline the environment names, if any: answers a promise that resolves once the
 * parent's end of it has closed (the parent died, by whatever means), or undefined when this
 * process has none. The variable is removed from `env`, so that what this process starts in turn
 * does not take a descriptor number it never got for its own lifeline. The watch does not keep the
 * process alive. From the moment the lifeline is watched, a failed write to `outputs` (stdout and
 * stderr) no longer ends the process: the parent reads them, and it never closes them while it
 * lives, so such a failure (EPIPE) means it is gone. The kernel closes that reader and the lifeline
 * in the same instant, and a log line may be written before the end of the lifeline is seen: the
 * orderly stop must not be cut short by it.
 */
export function watchParentLifeline(
  env: NodeJS.ProcessEnv = process.env,
  outputs: NodeJS.WritableStream[] = [process.stdout, process.stderr],
): Promise<void> | undefined {
  const fd = lifelineFdFrom(env);
  delete env[LIFELINE_FD_VARIABLE];
  if (fd === undefined) return undefined;
  let lifeline: Socket;
  try {
    lifeline = new Socket({ fd, readable: true, writable: false });
  } catch (error) {
    throw new Error(
      `${LIFELINE_FD_VARIABLE}=${fd}: not a pipe this process can watch (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  for (const output of outputs) output.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => {
    let gone = false;
    const end = () => {
      if (gone) return;
      gone = true;
      resolve();
    };
    // The parent never writes: whatever comes is read and dropped; the end is all that counts.
    lifeline.on('data', () => undefined);
    lifeline.once('end', end);
    lifeline.once('close', end);
    lifeline.once('error', end);
  });
  lifeline.unref();
  return ended;
}
