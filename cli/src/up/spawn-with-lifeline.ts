import { spawn, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';
import { LIFELINE_FD, LIFELINE_FD_VARIABLE } from '../../../libs/runtime/src/parent-lifeline';

/** How `federa up` starts one of its children. */
export interface LifelineSpawnOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** `pipe` to write to its standard input (the lifeline shim's order); none by default. */
  stdin?: StdioPipe | StdioNull;
}

/**
 * Spawns a child of `federa up`: in a process group of its own (Ctrl-C reaches it only through
 * `federa up`, which stops things in order), its stdout and stderr piped to be prefixed, and a
 * lifeline on descriptor 3 (FEDERA_LIFELINE_FD): a pipe whose other end only this process holds
 * (libuv opens it close-on-exec, so that no other child inherits it). However `federa up` ends, even
 * by kill -9, the kernel closes that end, and the child, watching its own, stops.
 */
export function spawnWithLifeline(
  command: string,
  args: string[],
  options: LifelineSpawnOptions,
): ChildProcess {
  const child = spawn(command, args, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env: { ...options.env, [LIFELINE_FD_VARIABLE]: String(LIFELINE_FD) },
    detached: true,
    stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  // Our end: never written, closed by the child's exit (or ours). A reset on the way is no error.
  child.stdio[LIFELINE_FD]?.on('error', () => undefined);
  return child;
}
