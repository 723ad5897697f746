import { readFile, readlink } from 'node:fs/promises';

/** Bytes received and sent since the interfaces came up, as /proc/<pid>/net/dev counts them. */
export interface NetworkCounters {
  rxBytes: number;
  txBytes: number;
}

/** Bytes per second received (in) and sent (out), and both together. */
export interface NetworkRates {
  networkBytes: number;
  networkInBytes: number;
  networkOutBytes: number;
}

export const noNetwork: NetworkRates = { networkBytes: 0, networkInBytes: 0, networkOutBytes: 0 };

/** Sums the receive and transmit byte counters of every interface but loopback in a net/dev text. */
export function parseNetDev(text: string): NetworkCounters {
  let rxBytes = 0;
  let txBytes = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, rest] = line.split(':');
    if (!rest || name.trim() === 'lo') continue;
    const fields = rest.trim().split(/\s+/).map(Number);
    rxBytes += fields[0] || 0;
    txBytes += fields[8] || 0;
  }
  return { rxBytes, txBytes };
}

/**
 * Turns successive counter readings into rates. The first reading, and one after the counters went
 * backwards (an interface reset or a new namespace), gives zeros rather than a made-up rate.
 */
export class NetworkRateMeter {
  private last: (NetworkCounters & { at: number }) | undefined;

  next(counters: NetworkCounters, at: number): NetworkRates {
    const before = this.last;
    this.last = { ...counters, at };
    if (
      !before ||
      at <= before.at ||
      counters.rxBytes < before.rxBytes ||
      counters.txBytes < before.txBytes
    ) {
      return noNetwork;
    }
    const seconds = (at - before.at) / 1000;
    const networkInBytes = Math.round((counters.rxBytes - before.rxBytes) / seconds);
    const networkOutBytes = Math.round((counters.txBytes - before.txBytes) / seconds);
    return { networkBytes: networkInBytes + networkOutBytes, networkInBytes, networkOutBytes };
  }
}

/** The counters of the network namespace `pid` lives in (`self` for the agent's own). */
export async function readNetworkCounters(pid: number | 'self'): Promise<NetworkCounters> {
  return parseNetDev(await readFile(`/proc/${pid}/net/dev`, 'utf8'));
}

/**
 * True when the process has a network namespace of its own: only then are its namespace's counters
 * its own traffic. A process in the agent's namespace shares the host's counters with every other
 * process, so its traffic cannot be told apart without cgroup or eBPF accounting.
 */
export async function hasOwnNetworkNamespace(pid: number): Promise<boolean> {
  try {
    const [mine, theirs] = await Promise.all([
      readlink('/proc/self/ns/net'),
      readlink(`/proc/${pid}/ns/net`),
    ]);
    return mine !== theirs;
  } catch {
    return false;
  }
}
