import { readFileSync } from 'node:fs';

/**
 * The pid of a server still running from an earlier `federa up` (one that was SIGKILLed leaves its
 * backends behind: they lead their own process groups), read from the pid file the server keeps
 * (PostgreSQL's `postmaster.pid`, nats-server's `-P` file) and checked against the process table,
 * so that a stale file whose pid was reused is not taken for one. Undefined when there is none.
 */
export function leftoverServer(pidFile: string, binary: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0].trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return command.includes(binary) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The error that stops `federa up` when a server of an earlier run still holds its data. */
export function leftoverError(what: string, pid: number, dataDir: string): Error {
  return new Error(
    `a ${what} that an earlier federa up started is still running on the data in ${dataDir} ` +
      `(pid ${pid}); stop it (kill ${pid}) and run federa up again`,
  );
}
