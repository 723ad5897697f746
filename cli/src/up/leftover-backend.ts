import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pid of a server still running from an earlier `federa up` (one killed together with the
 * lifeline shims of its servers, as by `pkill -9 node`, leaves them behind: they lead their own
 * process groups), read from the pid file the server keeps
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

/** A process an earlier `federa up` started and left running. */
export interface Leftover {
  /** What it is: 'PostgreSQL', 'nats-server', a service's name, 'agent h1', ... */
  what: string;
  pid: number;
}

/**
 * The services and agents an earlier `federa up` started and left running (those whose lifeline
 * stop has not ended them yet, or that were started without one): the processes whose
 * environment carries the run's API token, which `federa up` gives every service and demo agent and
 * which is this state directory's own (or the user's FEDERA_API_TOKEN).
 */
export function leftoverProcesses(apiToken: string): Leftover[] {
  const marker = `FEDERA_API_TOKEN=${apiToken}`;
  const found: Leftover[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found; // no process table to read (not Linux): the backends alone are named
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let environ: string;
    let command: string[];
    try {
      environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch {
      continue; // gone meanwhile, or not ours to read
    }
    if (!environ.split('\0').includes(marker)) continue;
    found.push({ what: nameOf(command), pid: Number(entry) });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/** A service by its name, an agent by its data directory, anything else by its command. */
function nameOf(command: string[]): string {
  const service = command.map((a) => /services\/([\w-]+)\/src\/main\.js$/.exec(a)).find(Boolean);
  if (service) return service[1];
  if (command.some((a) => a.endsWith('federa-agent.js'))) {
    const dataDir = command[command.indexOf('--data-dir') + 1];
    return command.includes('--data-dir') && dataDir ? `agent on ${dataDir}` : 'agent';
  }
  return command.slice(0, 3).join(' ');
}

/**
 * The error that stops `federa up` when servers of an earlier run still hold its data: each named
 * with its pid, with the services and agents that run left beside them, and one command that stops
 * them all.
 */
export function leftoverError(
  servers: { what: string; pid: number; dataDir: string }[],
  others: Leftover[],
): Error {
  const lines = servers.map(
    ({ what, pid, dataDir }) =>
      `a ${what} that an earlier federa up started is still running on the data in ${dataDir} (pid ${pid})`,
  );
  const serverPids = new Set(servers.map((s) => s.pid));
  const rest = others.filter((o) => !serverPids.has(o.pid));
  if (rest.length > 0) {
    lines.push(
      `that run also left running: ${rest.map((o) => `${o.what} (pid ${o.pid})`).join(', ')}`,
    );
  }
  const pids = [...servers, ...rest].map((p) => p.pid).join(' ');
  const them = servers.length + rest.length > 1 ? 'them all' : 'it';
  lines.push(`stop ${them} (kill ${pids}) and run federa up again`);
  return new Error(lines.join('\n'));
}
