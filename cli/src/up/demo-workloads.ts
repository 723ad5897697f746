import { join } from 'node:path';
import {
  FileAgentStateStore,
  isSameLiveProcess,
  readProcStat,
  type PersistedInstance,
} from '../../../services/agent/src';
import { killProcessGroup } from './stop-process';

/** A workload a demo agent started (an example app of the process layer) and the process it is. */
export interface DemoWorkload {
  host: string;
  instance: string;
  pid: number;
  /** With the pid, identifies the process for good (a reused pid is not it). */
  startTime: number;
}

/** The workloads of one agent's instance table that carry a process handle (pid and start time). */
export function workloadsOf(host: string, instances: PersistedInstance[]): DemoWorkload[] {
  const found: DemoWorkload[] = [];
  for (const row of instances) {
    const pid = Number(row.handle?.pid);
    const startTime = Number(row.handle?.startTime);
    if (Number.isInteger(pid) && pid > 0 && Number.isInteger(startTime)) {
      found.push({ host, instance: row.spec.instance, pid, startTime });
    }
  }
  return found;
}

/** The workloads recorded in the demo agents' data dirs (`demoDir/<host>`) that still run. */
export async function liveDemoWorkloads(demoDir: string, hosts: string[]): Promise<DemoWorkload[]> {
  const live: DemoWorkload[] = [];
  for (const host of hosts) {
    let instances: PersistedInstance[];
    try {
      instances = await new FileAgentStateStore(join(demoDir, host)).loadInstances();
    } catch {
      continue; // a table half-written by a killed agent: nothing to learn from it
    }
    for (const workload of workloadsOf(host, instances)) {
      if (await isSameLiveProcess(workload.pid, workload.startTime)) live.push(workload);
    }
  }
  return live;
}

/**
 * Sends `signal` to each workload: to its whole process group when it leads one (the process
 * layer starts each workload detached), else to the process alone.
 */
export async function signalWorkloads(
  workloads: DemoWorkload[],
  signal: NodeJS.Signals,
): Promise<void> {
  for (const workload of workloads) {
    if (!(await isSameLiveProcess(workload.pid, workload.startTime))) continue;
    const leadsGroup = (await readProcStat(workload.pid))?.processGroup === workload.pid;
    if (leadsGroup) killProcessGroup(workload.pid, signal);
    else {
      try {
        process.kill(workload.pid, signal);
      } catch {
        // gone meanwhile
      }
    }
  }
}
