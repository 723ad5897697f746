import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** One process's footprint as /proc shows it now; null fields: the process is gone. */
export interface ProcessReading {
  rssBytes: number | null;
  fds: number | null;
  /** Its TCP connections by remote port (NATS's, Postgres's): sockets it holds open. */
  connectionsByPort: Record<number, number>;
}

/** The resident set size of `pid`, in bytes (VmRSS), or null once it is gone. */
export function rssOf(pid: number): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return line ? Number(line.split(/\s+/)[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The socket inodes of every established TCP connection of this machine, by remote port. */
export function tcpRemotePorts(): Map<string, number> {
  const byInode = new Map<string, number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // local, remote, state (01: established), ..., inode at column 9.
      if (columns.length < 10 || columns[3] !== '01') continue;
      const port = parseInt(columns[2].split(':')[1], 16);
      byInode.set(columns[9], port);
    }
  }
  return byInode;
}

/** `pid`'s RSS, open descriptors and TCP connections to `ports` (from `remotePorts`). */
export function readProcess(
  pid: number,
  remotePorts: ReadonlyMap<string, number>,
  ports: readonly number[],
): ProcessReading {
  const connectionsByPort: Record<number, number> = Object.fromEntries(ports.map((p) => [p, 0]));
  let fds: number | null = null;
  try {
    const entries = readdirSync(`/proc/${pid}/fd`);
    fds = entries.length;
    for (const fd of entries) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      const socket = /^socket:\[(\d+)\]$/.exec(target);
      const port = socket ? remotePorts.get(socket[1]) : undefined;
      if (port !== undefined && port in connectionsByPort) connectionsByPort[port]++;
    }
  } catch {
    // gone
  }
  return { rssBytes: rssOf(pid), fds, connectionsByPort };
}
