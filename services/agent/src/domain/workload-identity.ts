import { relative, resolve, sep } from 'node:path';
import { WorkloadVariables } from '@federa/contracts';
import { instanceDir } from './instance-spec';

/** A workload the agent started, as its environment names it. */
export interface WorkloadIdentity {
  instance: string;
  /** Its PORT, when it has a valid one. */
  port: number | undefined;
}

/** `/proc/<pid>/environ` (NAME=value, each ended by a NUL) as a map; a name seen twice keeps its first value, as getenv does. */
export function parseEnviron(raw: Buffer | string): Map<string, string> {
  const env = new Map<string, string>();
  for (const pair of raw.toString('utf8').split('\0')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals);
    if (!env.has(name)) env.set(name, pair.slice(equals + 1));
  }
  return env;
}

/**
 * The instance a process runs for the agent whose instances live under `instancesDir`, or undefined
 * when it is not one of its workloads. FEDERA_INSTANCE alone is not enough: agents on one machine (a
 * test, `federa up`'s demo hosts) each start workloads with it, and an instance may run on two of
 * them during a move. FEDERA_DATA_DIR, `<instancesDir>/<instance>/data`, says whose it is.
 */
export function workloadOfEnvironment(
  env: ReadonlyMap<string, string>,
  instancesDir: string,
): WorkloadIdentity | undefined {
  const instance = env.get(WorkloadVariables.instance);
  const dataDir = env.get(WorkloadVariables.dataDir);
  if (!instance || !dataDir || instance.includes('/') || instance === '.' || instance === '..')
    return undefined;
  if (resolve(dataDir) !== resolve(instanceDir(instancesDir, instance), 'data')) return undefined;
  const port = Number(env.get(WorkloadVariables.port));
  return {
    instance,
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined,
  };
}

/**
 * The instance a process runs for the agent of `instancesDir`, by where its stdout goes (the target
 * of /proc/<pid>/fd/1): the process layer opens `<instancesDir>/<instance>/logs/stdout.log` for it.
 * Held by the kernel, so it still names the workload when its environment was overwritten (a
 * process title set over argv and environ) or cannot be read (a process made non-dumpable). No
 * port: the environment alone says it.
 */
export function workloadOfStdout(
  target: string,
  instancesDir: string,
): WorkloadIdentity | undefined {
  if (!target.startsWith('/')) return undefined;
  const parts = relative(resolve(instancesDir), target).split(sep);
  if (parts.length !== 3 || parts[1] !== 'logs' || parts[2] !== 'stdout.log') return undefined;
  const instance = parts[0];
  if (!instance || instance === '.' || instance === '..') return undefined;
  return { instance, port: undefined };
}
